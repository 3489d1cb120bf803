/**
 * Parrot's public API. Import from the package root (`parrot-sip`), never from deep paths.
 */
export {
  createParrot,
  Parrot,
  TransactionTimeoutError,
  TransportError,
  defaultTransactionUser,
} from './parrot';
export type { ParrotOptions, TransportConfig, RequestOptions } from './parrot';
export type {
  ServerTransaction,
  ClientTransaction,
  ClientTransactionHandlers,
  TransactionUser,
  CoreLimits,
  CoreStats,
} from './core';
export type {
  Handler,
  Call,
  CallState,
  CallEndReason,
  ResponseDecision,
  HandlerResult,
  RequestContext,
  AnswerBody,
} from './handler';
export type { CallInfo, ParrotEvents, Logger } from './ua';
export { DEFAULT_TIMERS } from '../machines/transaction';
export type { TransactionTimers } from '../machines/transaction';
export * as sip from '../codecs/sip';
