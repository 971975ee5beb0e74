import { IdentifierKind, type Identifier, type Signer } from '@xmtp/node-sdk';
import { hexToBytes, type Hex } from 'viem';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';

export interface DisposableSigner {
  signer: Signer;
  /** Lowercase 0x address. */
  address: string;
  identifier: Identifier;
  /** Drops the key; later signing attempts fail. A client created with this signer keeps no usable key. */
  dispose(): void;
}

/** An XMTP EOA signer that holds the wallet key only until dispose(): for one create or revoke call. */
export function disposableEoaSigner(privateKey: Hex): DisposableSigner {
  let account: PrivateKeyAccount | undefined = privateKeyToAccount(privateKey);
  const address = account.address.toLowerCase();
  const identifier: Identifier = { identifier: address, identifierKind: IdentifierKind.Ethereum };
  return {
    address,
    identifier,
    signer: {
      type: 'EOA',
      getIdentifier: () => identifier,
      signMessage: async (message: string) => {
        if (!account) throw new Error('wallet key already disposed');
        return hexToBytes(await account.signMessage({ message }));
      },
    },
    dispose: () => {
      account = undefined;
    },
  };
}

export function ethereumIdentifier(address: string): Identifier {
  return { identifier: address.toLowerCase(), identifierKind: IdentifierKind.Ethereum };
}
