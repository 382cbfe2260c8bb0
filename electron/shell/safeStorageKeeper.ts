import { safeStorage } from 'electron';
import type { SecretKeeper } from '../payments/secrets';

/**
 * Secrets sealed by the operating system's keeper through Electron's safeStorage (Keychain on
 * macOS, DPAPI on Windows, libsecret/kwallet on Linux). Refuses to run with the 'basic_text'
 * fallback on Linux, which would store the key in the clear.
 */
export class SafeStorageKeeper implements SecretKeeper {
  readonly name = 'safe-storage';

  constructor() {
    if (!safeStorage.isEncryptionAvailable()) throw new Error('safeStorage encryption is not available on this system');
    if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
      throw new Error('safeStorage would fall back to plain text (no keyring); refusing to store merchant secrets');
    }
  }

  seal(plaintext: string): Buffer {
    return safeStorage.encryptString(plaintext);
  }

  open(ciphertext: Buffer): string {
    return safeStorage.decryptString(ciphertext);
  }
}
