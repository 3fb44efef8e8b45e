package lazymm.engine;

/**
 * Bad usage or bad input: an unknown variant, a malformed reproducer, an incompatible model
 * version. The command line prints its message as one line and exits 2, never a stack trace, so
 * the message must say what is wrong, where, and what was expected.
 */
public final class BadInput extends RuntimeException {
    public BadInput(String message) { super(message, null, false, false); }
}
