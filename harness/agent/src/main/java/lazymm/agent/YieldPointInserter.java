package lazymm.agent;

import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * Rewrites one method's code: before each shared access it emits
 * {@code LDC "Class.method:line what"; INVOKESTATIC lazymm/rt/Yield.point(String)}.
 *
 * <p>Shared accesses are GET/PUT of a non-final field of an instrumented class, and calls of a
 * method annotated {@code @SharedAccess}. The two inserted instructions are stack-neutral and add
 * no local and no branch, so the stack map frames stay valid as they are; only the maximum stack
 * grows, by one (the string), which {@link #visitMaxs} adds.
 */
final class YieldPointInserter extends MethodVisitor {

    private final AccessResolver.Scope resolver;
    private final TypePool pool;
    private final boolean verbose;
    /** "SimpleName.method", the site's prefix. */
    private final String where;
    private int line;
    private int inserted;

    /**
     * @param className binary name of the instrumented class; the site uses the part after the
     *     last dot (a nested class keeps its {@code Outer$Inner} form)
     */
    YieldPointInserter(MethodVisitor next, AccessResolver.Scope resolver, TypePool pool, boolean verbose,
                       String className, String methodName) {
        super(OpenedClassReader.ASM_API, next);
        this.resolver = resolver;
        this.pool = pool;
        this.verbose = verbose;
        this.where = className.substring(className.lastIndexOf('.') + 1) + "." + methodName;
    }

    @Override
    public void visitLineNumber(int line, Label start) {
        this.line = line;
        super.visitLineNumber(line, start);
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
        AccessResolver.FieldVerdict verdict = resolver.field(pool, owner, name, descriptor);
        if (verdict != AccessResolver.FieldVerdict.NO_YIELD) {
            boolean read = opcode == Opcodes.GETFIELD || opcode == Opcodes.GETSTATIC;
            String site = yieldPoint((read ? "read " : "write ") + name);
            if (verdict == AccessResolver.FieldVerdict.UNRESOLVED && verbose) {
                System.err.println("lazymm-agent: cannot resolve field " + owner.replace('/', '.') + "." + name
                        + " at " + site + "; yielding anyway");
            }
        }
        super.visitFieldInsn(opcode, owner, name, descriptor);
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        if (resolver.sharedAccess(pool, owner, name, descriptor)) {
            yieldPoint(name);
        }
        super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        super.visitMaxs(inserted > 0 ? maxStack + 1 : maxStack, maxLocals);
    }

    private String yieldPoint(String what) {
        String site = where + ":" + line + " " + what;
        super.visitLdcInsn(site);
        super.visitMethodInsn(Opcodes.INVOKESTATIC, YieldPoints.HOOK_OWNER, YieldPoints.HOOK_METHOD,
                YieldPoints.HOOK_DESCRIPTOR, false);
        inserted++;
        return site;
    }
}
