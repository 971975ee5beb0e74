import type { ReactNode } from 'react';
import { useCanWrite } from './admin-role.js';

/** Renders write controls for owners and admins only: a viewer's pages show no action the API would refuse. */
export function WriteOnly({ children }: { children: ReactNode }) {
  return useCanWrite() ? <>{children}</> : null;
}
