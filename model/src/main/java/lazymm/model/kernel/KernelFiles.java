package lazymm.model.kernel;

/** Looks up the {@link KernelFile} of a kernel-model class by the simple name a site carries. */
public final class KernelFiles {

    private KernelFiles() {}

    /** The kernel file of the model class {@code simpleName} (a nested class: its outer class's), or null. */
    public static String of(String simpleName) {
        KernelFile f = annotation(simpleName);
        return f == null ? null : f.value();
    }

    static KernelFile annotation(String simpleName) {
        int dollar = simpleName.indexOf('$');
        String outer = dollar < 0 ? simpleName : simpleName.substring(0, dollar);
        try {
            return Class.forName(KernelFiles.class.getPackageName() + "." + outer).getAnnotation(KernelFile.class);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }
}
