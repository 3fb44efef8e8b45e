package lazymm.model.agenttest.infra;

/** Fixture: infrastructure that the tests exclude; accessing its fields never yields. */
public class Helper {
    public static int shared;
    public int value;

    public void bump() { value++; }
}
