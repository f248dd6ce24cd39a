// Queries shared by several screens.
import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { mediumOut } from '@server/modules/issuance/console-routes.ts';
import { get } from './client.ts';
import type { CustomerEvent, CustomerPage, FeeRow } from './types.ts';

export const useCustomer = (id: string) =>
  useQuery({ queryKey: ['customer', id], queryFn: () => get<CustomerPage>(`/api/v1/customers/${id}`) });

export const useCustomerEvents = (id: string) =>
  useQuery({
    queryKey: ['customer', id, 'events'],
    queryFn: () => get<{ events: CustomerEvent[] }>(`/api/v1/customers/${id}/events`),
  });

export type Medium = z.infer<typeof mediumOut>;

export const useFees = () =>
  useQuery({ queryKey: ['fees'], queryFn: () => get<{ fees: FeeRow[] }>('/api/v1/fees'), staleTime: 60_000 });

// The fee in force today for an item: the newest version effective on or before today.
export function feeToday(fees: FeeRow[] | undefined, item: string, today: string): FeeRow | undefined {
  return (fees ?? [])
    .filter((f) => f.item === item && f.effectiveFrom <= today)
    .sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom))[0];
}
