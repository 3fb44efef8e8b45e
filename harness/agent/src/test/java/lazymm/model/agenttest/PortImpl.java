package lazymm.model.agenttest;

/** Fixture: implements {@link Port}; its {@code poke()} is not annotated itself. */
public class PortImpl implements Port {
    @Override
    public void poke() {}
}
