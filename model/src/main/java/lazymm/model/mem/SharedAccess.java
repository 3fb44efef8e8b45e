package lazymm.model.mem;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of the memory API as one shared access: the agent inserts a yield point before
 * every call of such a method from model code, so that another CPU may run (or a store buffer
 * drain) between any two shared accesses. Methods without it (constructors, names, debugging
 * helpers) get no yield point.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface SharedAccess {}
