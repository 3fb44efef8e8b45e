package lazymm.model.agenttest;

/** Fixture: inherits {@code access()}; a call through this type must still yield. */
public class SubApi extends Api {}
