// Every API shape the console reads, taken from the service's own declarations (type-only
// imports: nothing of the server is bundled).
import type { CustomerDetail, PersonalInput, CorporateInput, PiiView } from '@server/modules/customers/customers.ts';
import type {
  CustomerView,
  CustomerEventView,
  VehicleView,
  AccountView,
} from '@server/modules/customers/repository.ts';
import type { CardView } from '@server/modules/issuance/card-repo.ts';
import type { IssuedCard } from '@server/modules/issuance/card-service.ts';
import type { ObuView, IssuedObu } from '@server/modules/issuance/obu-service.ts';
import type { Fee, PaymentMethod } from '@server/modules/issuance/fees.ts';
import type { Cancellation } from '@server/modules/issuance/card-cancellation.ts';
import type { UserRole } from '@server/platform/http/context.ts';
import type { Json } from './json.ts';

export type Role = UserRole;
export type Customer = Json<CustomerView>;
export type CustomerPage = Json<CustomerDetail>;
export type CustomerEvent = Json<CustomerEventView>;
export type Vehicle = Json<VehicleView>;
export type Account = Json<AccountView>;
export type Card = Json<CardView>;
export type Obu = Json<ObuView>;
export type CardIssued = Json<IssuedCard>;
export type ObuIssued = Json<IssuedObu>;
export type FeeRow = Json<Fee>;
export type Payment = PaymentMethod;
export type CardCancellation = Json<Cancellation>;
// request bodies as the service's input types, with fen as JSON integers
export type NewCustomer = Json<PersonalInput> | Json<CorporateInput>;

export type Session = {
  token: string;
  expiresAt: string;
  user: { id: number; username: string; role: Role; displayName?: string };
};
export type ApiErrorBody = { error: { code: string; message: string; field?: string } };
export type Pii = Json<PiiView>;
