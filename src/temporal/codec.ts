/**
 * Optional payload encryption (AES-256-GCM). With MELTANO_TEMPORAL_ENCRYPTION_KEY
 * set (32 bytes, base64) every client and worker of this tool encrypts
 * workflow inputs, results, failures' details, schedule action args and memo
 * before they reach the server. Search attributes are never encrypted: they
 * hold names only. To read payloads in the Web UI or `temporal`, run a codec
 * server with the same key (docs/deployment.md, "Payload encryption").
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { UserError } from '../errors.js';
import { ENCRYPTED_PAYLOAD } from '../../workflows/contract.js';

const { temporal } = proto;
const { encoding: ENCODING, keyId: KEY_ID } = ENCRYPTED_PAYLOAD;
const enc = new TextEncoder();
const dec = new TextDecoder();

export class AesGcmCodec implements PayloadCodec {
  constructor(
    private readonly key: Buffer,
    private readonly keyId = KEY_ID,
  ) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', this.key, iv);
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return {
        metadata: { encoding: enc.encode(ENCODING), 'encryption-key-id': enc.encode(this.keyId) },
        data: Buffer.concat([iv, cipher.getAuthTag(), body]),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.encoding;
      if (!encoding || dec.decode(encoding) !== ENCODING || !payload.data) return payload;
      const data = Buffer.from(payload.data);
      const decipher = createDecipheriv('aes-256-gcm', this.key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      const plain = Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain) as Payload;
    });
  }
}

/** The codec configured by the environment, or undefined when encryption is off. */
export function codecFromEnv(env: NodeJS.ProcessEnv = process.env): AesGcmCodec | undefined {
  const raw = env.MELTANO_TEMPORAL_ENCRYPTION_KEY;
  if (!raw) return undefined;
  const key = Buffer.from(raw, 'base64');
  if (key.length !== 32) {
    throw new UserError('MELTANO_TEMPORAL_ENCRYPTION_KEY must be 32 bytes, base64-encoded.', {
      hint: 'generate one with: openssl rand -base64 32',
    });
  }
  return new AesGcmCodec(key);
}
