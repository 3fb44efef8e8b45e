package lazymm.engine;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A test class that needs the yield-point agent: it runs in the surefire execution that has it,
 * and is skipped in the one without (even when -Dtest selects it for both).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@EnabledIfSystemProperty(named = "lazymm.agent", matches = "true")
public @interface NeedsAgent {}
