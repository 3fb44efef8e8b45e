package lazymm.model.sim;

/**
 * Java names back to the kernel's: the model names methods mechanically after kernel functions
 * ({@code finish_task_switch} -> {@code finishTaskSwitch}, {@code __mmdrop} -> {@code __mmdrop}),
 * so traces and reports can print the C names.
 */
public final class KernelNames {

    private KernelNames() {}

    /** {@code finishTaskSwitch} -> {@code finish_task_switch}; {@code __mmdrop} stays. */
    public static String toC(String javaName) {
        StringBuilder sb = new StringBuilder(javaName.length() + 8);
        for (int i = 0; i < javaName.length(); i++) {
            char ch = javaName.charAt(i);
            if (Character.isUpperCase(ch)) {
                if (i > 0 && javaName.charAt(i - 1) != '_') sb.append('_');
                sb.append(Character.toLowerCase(ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    /**
     * The kernel function of a site {@code "Class.method:line what"}: {@code method} in C spelling.
     * Nested model classes and lambdas keep only the method name.
     */
    public static String function(String site) {
        if (site == null || site.isEmpty()) return "?";
        int colon = site.indexOf(':');
        String head = colon < 0 ? site : site.substring(0, colon);
        int dot = head.lastIndexOf('.');
        String m = dot < 0 ? head : head.substring(dot + 1);
        if (m.startsWith("lambda$")) {
            int d = m.indexOf('$', 7);
            m = d < 0 ? m.substring(7) : m.substring(7, d);
        }
        return toC(m);
    }

    /** The source line of a site: {@code "Class.java:line"}. */
    public static String where(String site) {
        if (site == null || site.isEmpty()) return "?";
        int sp = site.indexOf(' ');
        String head = sp < 0 ? site : site.substring(0, sp);
        int colon = head.indexOf(':');
        int dot = head.lastIndexOf('.', colon < 0 ? head.length() : colon);
        String cls = dot < 0 ? head : head.substring(0, dot);
        int dollar = cls.indexOf('$');
        if (dollar >= 0) cls = cls.substring(0, dollar);
        return cls + ".java" + (colon < 0 ? "" : head.substring(colon));
    }
}
