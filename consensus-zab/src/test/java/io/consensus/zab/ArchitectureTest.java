package io.consensus.zab;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Zab core is pure: no threads, clocks, file or socket I/O, Netty, or unseeded randomness. */
class ArchitectureTest {

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.consensus.zab");

    @Test
    void theRulesSeeTheCore() {
        assertThat(CORE.contain(ZabCore.class)).isTrue();
        assertThat(CORE.contain(Leader.class)).isTrue();
        assertThat(CORE.contain(ZabClusterMarker.class)).isFalse();
    }

    @Test
    void noThreadsOrConcurrency() {
        ArchRule rule = noClasses().that().resideInAPackage("io.consensus.zab..")
                .should().dependOnClassesThat().resideInAPackage("java.util.concurrent..")
                .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
                .because("a core is stepped by one runtime thread at a time");
        rule.check(CORE);
    }

    @Test
    void noClocks() {
        ArchRule rule = noClasses().that().resideInAPackage("io.consensus.zab..")
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(Instant.class, "now")
                .because("time is ticks");
        rule.check(CORE);
    }

    @Test
    void noFileOrSocketIoOrNetty() {
        ArchRule rule = noClasses().that().resideInAPackage("io.consensus.zab..")
                .should().dependOnClassesThat().haveNameMatching("java\\.io\\.File.*")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.RandomAccessFile")
                .orShould().dependOnClassesThat().resideInAnyPackage("java.nio.channels..", "java.nio.file..",
                        "java.net..", "io.netty..")
                .because("storage and transport belong to the runtime");
        rule.check(CORE);
    }

    @Test
    void noUnseededRandomness() {
        ArchRule rule = noClasses().that().resideInAPackage("io.consensus.zab..")
                .should().callMethod(Math.class, "random")
                .orShould().callConstructor(Random.class)
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.security.SecureRandom")
                .because("the only randomness is CoreContext.random()");
        rule.check(CORE);
    }

    /** A test-only class: the import must leave tests out. */
    static final class ZabClusterMarker {}
}
