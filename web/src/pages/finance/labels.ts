// Words for the read model's money channels (counter:cash, bank:icbc, deposit:pos …); a revenue
// source's words are clearing.tsx's sourceLabel.
type T = (k: string, o?: Record<string, unknown>) => string;

export function channelLabel(t: T, channel: string): string {
  const bank = /^bank:(.+)$/.exec(channel);
  if (bank) return t('finance.channels.bank', { bank: bank[1] });
  return t(`finance.channels.${channel.replace(':', '-')}`, { defaultValue: channel });
}
