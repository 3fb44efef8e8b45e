package lazymm.probe;

import java.util.List;
import java.util.Optional;

/** The probes {@code ./lazymm probe} can run. */
public final class Probes {

    private Probes() {}

    public static List<Probe> all() {
        return List.of(new GlobalStaleState());
    }

    public static Optional<Probe> find(String id) {
        return all().stream().filter(p -> p.id().equalsIgnoreCase(id)).findFirst();
    }

    public static List<String> ids() {
        return all().stream().map(Probe::id).toList();
    }
}
