package io.machinestate.server.store;

/**
 * The database did not confirm a COMMIT (the connection was lost during it, or CockroachDB said
 * the result is ambiguous): the change may or may not have been applied, so it is not retried
 * and callers must read the state back rather than report that nothing changed.
 */
public class AmbiguousCommitException extends RuntimeException {
  public AmbiguousCommitException(String message, Throwable cause) {
    super(message, cause);
  }
}
