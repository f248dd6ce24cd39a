-- Demo card stock (docs/CARD-READER.md): card and OBU numbers allocated ahead of issuance, in demo
-- mode only, for the virtual reader's blank media. Issuance may issue onto a stock number once:
-- used_at is set in the issuing transaction. Numbers come from the same sequences as issuance,
-- so a stock number never collides with one the centre allocates itself.
create table medium_stock (
  medium      text not null check (medium in ('card', 'obu')),
  medium_no   text not null,
  card_type   smallint check (card_type in (22, 23)),
  created_at  timestamptz not null,
  used_at     timestamptz,
  primary key (medium, medium_no),
  check ((medium = 'card') = (card_type is not null)),
  check ((medium = 'card' and medium_no ~ '^[0-9]{20}$') or (medium = 'obu' and medium_no ~ '^[0-9]{16}$'))
);
