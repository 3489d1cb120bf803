/** The machines whose diagrams are generated under docs/machines/. */
import type { AnyStateMachine } from 'xstate';
import { clientInviteTransactionMachine } from '../machines/clientInviteTransaction';
import { clientNonInviteTransactionMachine } from '../machines/clientNonInviteTransaction';
import { serverInviteTransactionMachine } from '../machines/serverInviteTransaction';
import { serverNonInviteTransactionMachine } from '../machines/serverNonInviteTransaction';
import { dialogMachine } from '../machines/dialog';
import { handlerAdapterMachine } from '../machines/handlerAdapter';

export const MACHINES: Array<{ name: string; machine: AnyStateMachine; description: string }> = [
  {
    name: 'clientInviteTransaction',
    machine: clientInviteTransactionMachine,
    description: 'INVITE client transaction, RFC 3261 §17.1.1 with the RFC 6026 Accepted state.',
  },
  {
    name: 'clientNonInviteTransaction',
    machine: clientNonInviteTransactionMachine,
    description: 'Non-INVITE client transaction, RFC 3261 §17.1.2.',
  },
  {
    name: 'serverInviteTransaction',
    machine: serverInviteTransactionMachine,
    description: 'INVITE server transaction, RFC 3261 §17.2.1 with the RFC 6026 Accepted state.',
  },
  {
    name: 'serverNonInviteTransaction',
    machine: serverNonInviteTransactionMachine,
    description: 'Non-INVITE server transaction, RFC 3261 §17.2.2.',
  },
  {
    name: 'dialog',
    machine: dialogMachine,
    description:
      'A dialog, RFC 3261 §12–§15: early, confirmed (2xx retransmission until the ACK, §13.3.1.4), terminating, terminated.',
  },
  {
    name: 'handlerAdapter',
    machine: handlerAdapterMachine,
    description:
      "One inbound call as the application's handler drives it: the only place user code is called from.",
  },
];
