import type { PaymentProvider, ProviderName } from './provider';

export interface ProviderEntry {
  client: PaymentProvider;
  /** Talking to the local protocol sandbox rather than the provider's real host. */
  sandbox: boolean;
}

/**
 * The configured provider clients, swappable at run time (settings saved, demo sandbox started)
 * without restarting the engines: they look providers up on every call.
 */
export class ProviderRegistry {
  private entries: Partial<Record<ProviderName, ProviderEntry>> = {};

  set(name: ProviderName, entry: ProviderEntry | undefined): void {
    if (entry) this.entries[name] = entry;
    else delete this.entries[name];
  }

  clients(): Partial<Record<ProviderName, PaymentProvider>> {
    const result: Partial<Record<ProviderName, PaymentProvider>> = {};
    for (const [name, entry] of Object.entries(this.entries) as [ProviderName, ProviderEntry][]) result[name] = entry.client;
    return result;
  }

  entry(name: ProviderName): ProviderEntry | undefined {
    return this.entries[name];
  }
}
