package io.consensus.transport.netty;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A throwaway PKI made at test time with the JDK's keytool: a CA, members' certificates signed by it,
 * and self-signed ones. Every certificate names localhost and 127.0.0.1, so hostname checks pass and
 * only the signature decides. Keys leave the PKCS#12 stores as unencrypted PKCS#8 PEM.
 */
final class TestPki {

    /** The PEM files of one member. */
    record MemberFiles(Path certChain, Path privateKey, Path trustedCa) {}

    private static final String PASSWORD = "changeit";
    private static final String NAMES = "SAN=dns:localhost,ip:127.0.0.1";

    private final Path dir;
    private final Path caCert;

    private TestPki(Path dir) {
        this.dir = dir;
        keytool("-genkeypair", "-alias", "ca", "-dname", "CN=test-ca", "-ext", "bc:c", "-keystore", store("ca"),
                "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2");
        this.caCert = writePem("ca.crt", "CERTIFICATE", certificate("ca"));
    }

    static TestPki create(Path dir) {
        return new TestPki(dir);
    }

    /** Certificates for {@code ids} signed by the CA, made in parallel (keytool is a JVM start each). */
    List<MemberFiles> signed(String... ids) {
        List<CompletableFuture<MemberFiles>> futures = new ArrayList<>();
        for (String id : ids) {
            futures.add(CompletableFuture.supplyAsync(() -> signed(id)));
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }

    private MemberFiles signed(String id) {
        keytool("-genkeypair", "-alias", id, "-dname", "CN=" + id, "-ext", NAMES, "-keystore", store(id),
                "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2");
        Path csr = dir.resolve(id + ".csr");
        Path crt = dir.resolve(id + ".crt");
        keytool("-certreq", "-alias", id, "-keystore", store(id), "-file", csr.toString());
        keytool("-gencert", "-alias", "ca", "-keystore", store("ca"), "-infile", csr.toString(), "-outfile",
                crt.toString(), "-rfc", "-ext", NAMES, "-ext", "EKU=serverAuth,clientAuth", "-validity", "2");
        return new MemberFiles(crt, writePem(id + ".key", "PRIVATE KEY", key(id)), caCert);
    }

    /** A self-signed certificate for {@code id}, trusting the real CA so that it can try to join. */
    MemberFiles selfSigned(String id) {
        keytool("-genkeypair", "-alias", id, "-dname", "CN=" + id, "-ext", NAMES, "-keystore", store(id),
                "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2");
        return new MemberFiles(writePem(id + ".crt", "CERTIFICATE", certificate(id)),
                writePem(id + ".key", "PRIVATE KEY", key(id)), caCert);
    }

    private String store(String id) {
        return dir.resolve(id + ".p12").toString();
    }

    private void keytool(String... args) {
        // The JVM options only make each short-lived keytool start faster.
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString(), "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private KeyStore load(String id) {
        try (InputStream in = Files.newInputStream(Path.of(store(id)))) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The DER encoding of {@code id}'s certificate. */
    private byte[] certificate(String id) {
        try {
            return load(id).getCertificate(id).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The PKCS#8 DER encoding of {@code id}'s private key. */
    private byte[] key(String id) {
        try {
            return load(id).getKey(id, PASSWORD.toCharArray()).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Path writePem(String name, String type, byte[] der) {
        String pem = "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
        try {
            return Files.writeString(dir.resolve(name), pem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
