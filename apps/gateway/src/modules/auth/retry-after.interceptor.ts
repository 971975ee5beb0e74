import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { catchError, throwError, type Observable } from 'rxjs';
import { DomainError, ErrorCode } from '../../common/errors/index.js';

interface HeaderReply {
  header?: (name: string, value: string) => unknown;
  setHeader?: (name: string, value: string) => unknown;
}

/** Adds `Retry-After` to RATE_LIMITED answers whose error carries `retryAfterSeconds`. */
@Injectable()
export class RetryAfterInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        const seconds =
          error instanceof DomainError && error.code === ErrorCode.RateLimited
            ? error.details.retryAfterSeconds
            : undefined;
        if (typeof seconds === 'number') {
          const reply = context.switchToHttp().getResponse<HeaderReply>();
          if (reply.header) reply.header('Retry-After', String(seconds));
          else reply.setHeader?.('Retry-After', String(seconds));
        }
        return throwError(() => error);
      }),
    );
  }
}
