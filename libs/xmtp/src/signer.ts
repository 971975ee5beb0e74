import { IdentifierKind, type Identifier, type Signer } from '@xmtp/node-sdk';
import { hexToBytes, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';

export interface EoaWallet {
  privateKey: Hex;
  /** Lowercase 0x address, as XMTP identifiers use it. */
  address: string;
  identifier: Identifier;
  signer: Signer;
}

/** An XMTP EOA signer over a secp256k1 private key; a fresh random key when none is given. */
export function eoaWallet(privateKey: Hex = generatePrivateKey()): EoaWallet {
  const account = privateKeyToAccount(privateKey);
  const address = account.address.toLowerCase();
  const identifier: Identifier = { identifier: address, identifierKind: IdentifierKind.Ethereum };
  return {
    privateKey,
    address,
    identifier,
    signer: {
      type: 'EOA',
      getIdentifier: () => identifier,
      signMessage: async (message: string) => hexToBytes(await account.signMessage({ message })),
    },
  };
}
