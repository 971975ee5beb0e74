// The one door to @xmtp/node-sdk: the rest of Mailroom imports XMTP from here, never from the SDK.
export * from '@xmtp/node-sdk';
export { pointSdkAt, sdkEndpoints, type SdkEndpoints } from './sdk-endpoints.js';
export { eoaWallet, type EoaWallet } from './signer.js';
export * from './pool/index.js';
export { disposableEoaSigner, ethereumIdentifier, type DisposableSigner } from './identity/disposable-signer.js';
export * from './messages/index.js';
export * from './attachments/index.js';
export * from './wallet/index.js';
