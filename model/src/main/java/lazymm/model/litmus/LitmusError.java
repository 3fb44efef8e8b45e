package lazymm.model.litmus;

/**
 * A litmus file that cannot be parsed or uses something unsupported, or a test that goes wrong
 * while it runs (a dereference of a non-pointer). The message always starts with
 * {@code file:line:column:} and says what was expected or what is unsupported.
 */
public final class LitmusError extends RuntimeException {

    private final String file;
    private final int line;
    private final int col;
    private final String what;

    public LitmusError(String file, int line, int col, String what) {
        super(file + ":" + line + ":" + col + ": " + what, null, false, false);
        this.file = file;
        this.line = line;
        this.col = col;
        this.what = what;
    }

    public LitmusError(String file, Ast.Pos pos, String what) { this(file, pos.line(), pos.col(), what); }

    public String file() { return file; }

    public int line() { return line; }

    public int column() { return col; }

    /** The message without the position. */
    public String what() { return what; }
}
