import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { WalletSignatureRequests } from '@mailroom/xmtp';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';

/** This process's pending wallet signature requests (see WalletSignatureRequests), shut down with the app. */
@Injectable()
export class WalletRequests extends WalletSignatureRequests implements OnModuleDestroy {
  constructor(@Inject(GATEWAY_RUNTIME) runtime: GatewayRuntime) {
    const logger = new Logger('WalletRequests');
    super({
      env: runtime.xmtp.env,
      apiUrl: runtime.xmtp.apiUrl,
      pool: runtime.pool,
      locks: runtime.locks,
      maxPending: runtime.config.wallets.maxPendingPerProcess,
      logger: {
        debug: (obj, msg) => logger.debug(obj, msg),
        info: (obj, msg) => logger.log(obj, msg),
        warn: (obj, msg) => logger.warn(obj, msg),
        error: (obj, msg) => logger.error(obj, msg),
      },
    });
  }

  onModuleDestroy(): void {
    this.close();
  }
}
