package io.consensus.testkit.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Instant;
import java.util.Random;

/**
 * The architecture rule every protocol module checks: a protocol core is pure. No threads or
 * concurrency utilities, no clocks, no file or socket I/O, no Netty, no unseeded randomness; its
 * only inputs are what the runtime steps it with and {@code CoreContext.random()}.
 */
public final class ProtocolPurity {

    private ProtocolPurity() {}

    /**
     * Fails with every violation found in {@code protocolPackage} (production classes only).
     *
     * @param protocolPackage e.g. {@code io.consensus.raft}
     * @param coreClass       a class of that package, to prove the rules saw the code
     */
    public static void check(String protocolPackage, Class<?> coreClass) {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(protocolPackage);
        if (!classes.contain(coreClass)) {
            throw new AssertionError("the rules did not see " + coreClass.getName() + " in " + protocolPackage);
        }
        String inPackage = protocolPackage + "..";
        noClasses().that().resideInAPackage(inPackage)
                .should().dependOnClassesThat().resideInAPackage("java.util.concurrent..")
                .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
                .because("a core is stepped by one runtime thread")
                .check(classes);
        noClasses().that().resideInAPackage(inPackage)
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(Instant.class, "now")
                .because("time is ticks")
                .check(classes);
        noClasses().that().resideInAPackage(inPackage)
                .should().dependOnClassesThat().haveNameMatching("java\\.io\\.File.*")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.RandomAccessFile")
                .orShould().dependOnClassesThat().resideInAnyPackage("java.nio.channels..", "java.nio.file..",
                        "java.net..", "io.netty..")
                .because("storage and transport belong to the runtime")
                .check(classes);
        noClasses().that().resideInAPackage(inPackage)
                .should().callMethod(Math.class, "random")
                .orShould().callConstructor(Random.class)
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.security.SecureRandom")
                .because("the only randomness is CoreContext.random()")
                .check(classes);
    }
}
