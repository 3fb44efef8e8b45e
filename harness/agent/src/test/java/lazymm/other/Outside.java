package lazymm.other;

/** Fixture outside the include prefixes: never instrumented, its fields never yield. */
public class Outside {
    public static int counter;
    public int value;

    public int bump() { return ++value + counter++; }
}
