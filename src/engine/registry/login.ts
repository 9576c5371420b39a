// `tctop login`: the credentials are tried against the registry (GET /v2/ through its challenge) before they are kept.
import { RegistryClient } from './client.js';
import { storeCredentials, type Credentials } from './credentials.js';

export async function loginRegistry(registry: string, credentials: Credentials, insecureRegistries?: string[]): Promise<string> {
  const client = await RegistryClient.open(registry, { credentials, insecureRegistries, maxConnections: 1 });
  try {
    await client.ping();
  } finally {
    client.close();
  }
  return storeCredentials(registry, credentials);
}
