package lazymm.agent;

import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * The hook the agent calls, and pure functions that find the yield points in a class file.
 *
 * <p>A yield point is {@code LDC "site"; INVOKESTATIC lazymm/rt/Yield.point(Ljava/lang/String;)V}
 * right before a shared access. The hook class is the engine's; the agent only names it and
 * never loads it.
 */
public final class YieldPoints {

    /** Binary name of the hook class (in the engine module, not in the agent). */
    public static final String HOOK_CLASS = "lazymm.rt.Yield";
    /** Internal name of the hook class. */
    public static final String HOOK_OWNER = "lazymm/rt/Yield";
    /** The hook method: {@code public static void point(String site)}. */
    public static final String HOOK_METHOD = "point";
    public static final String HOOK_DESCRIPTOR = "(Ljava/lang/String;)V";

    private YieldPoints() {}

    /** How many yield-point calls the class file contains. */
    public static int count(byte[] classFile) {
        return sites(classFile).size();
    }

    /**
     * The site strings of the class file's yield points, in method and code order; a call of the
     * hook that is not preceded by a constant string gives {@code "?"}.
     */
    public static List<String> sites(byte[] classFile) {
        List<String> sites = new ArrayList<>();
        OpenedClassReader.of(classFile).accept(new ClassVisitor(OpenedClassReader.ASM_API) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                return new MethodVisitor(OpenedClassReader.ASM_API) {
                    private String lastString;

                    @Override
                    public void visitLdcInsn(Object value) {
                        lastString = value instanceof String s ? s : null;
                    }

                    @Override
                    public void visitMethodInsn(int opcode, String owner, String mname, String mdesc, boolean itf) {
                        if (opcode == Opcodes.INVOKESTATIC && owner.equals(HOOK_OWNER)
                                && mname.equals(HOOK_METHOD) && mdesc.equals(HOOK_DESCRIPTOR)) {
                            sites.add(lastString == null ? "?" : lastString);
                        }
                        lastString = null;
                    }

                    // Any other instruction separates an LDC from the call.
                    @Override public void visitInsn(int opcode) { lastString = null; }
                    @Override public void visitIntInsn(int opcode, int operand) { lastString = null; }
                    @Override public void visitVarInsn(int opcode, int varIndex) { lastString = null; }
                    @Override public void visitTypeInsn(int opcode, String type) { lastString = null; }
                    @Override public void visitFieldInsn(int opcode, String o, String n, String d) { lastString = null; }
                };
            }
        }, ClassReader.SKIP_FRAMES);
        return sites;
    }
}
