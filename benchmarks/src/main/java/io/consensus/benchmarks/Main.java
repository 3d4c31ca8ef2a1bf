package io.consensus.benchmarks;

import java.util.Arrays;

/**
 * {@code java -jar benchmarks.jar <command> ...}: {@code load} (one run, see {@link LoadGenerator}),
 * {@code suite} (the matrix, see {@link Suite}), {@code report} (median tables, see {@link Report}),
 * {@code jmh} (the microbenchmarks, JMH's own options).
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "help" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        switch (command) {
            case "load" -> LoadGenerator.main(rest);
            case "suite" -> Suite.main(rest);
            case "report" -> Report.main(rest);
            case "jmh" -> org.openjdk.jmh.Main.main(rest);
            default -> {
                System.err.println("usage: java -jar benchmarks.jar load|suite|report|jmh [options]  (see docs/benchmarks.md)");
                System.exit(command.equals("help") ? 0 : 2);
            }
        }
    }
}
