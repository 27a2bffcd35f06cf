package dev.verity.events;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** SHA-256 digests used for content digests, event ids and trace ids. */
public final class Digests {
    private static final MessageDigest PROTOTYPE = lookUp();

    private Digests() {
    }

    /** {@code sha256:<hex>} over the documents, each terminated by a YAML document separator. */
    public static String ofDocuments(List<String> documents) {
        MessageDigest md = sha256();
        for (String doc : documents) {
            md.update(doc.getBytes(StandardCharsets.UTF_8));
            md.update("\n---\n".getBytes(StandardCharsets.UTF_8));
        }
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }

    /** Hex SHA-256 of the parts, each separated by a NUL byte so that ("ab","c") and ("a","bc") differ. */
    public static String hex(String... parts) {
        MessageDigest md = sha256();
        for (String part : parts) {
            md.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * A fresh SHA-256 digest, cloned from one looked up once: {@code getInstance} searches the security providers on
     * every call, which an event id (three digests per event) paid for each event a producer sends.
     */
    private static MessageDigest sha256() {
        try {
            return (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return lookUp(); // a provider whose digest cannot be cloned (the JDK's can)
        }
    }

    private static MessageDigest lookUp() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}
