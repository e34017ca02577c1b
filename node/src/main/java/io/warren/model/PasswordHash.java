package io.warren.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Password hashes as RabbitMQ's {@code rabbit_password_hashing_sha256} makes them: a 4-byte salt
 * followed by SHA-256 of salt and password, in base64; so users move between Warren and RabbitMQ
 * through definitions files. The salt is chosen by the caller (the node that receives a password),
 * which keeps this and the model deterministic. The empty hash is a user without a password, who
 * cannot log in with one.
 */
public final class PasswordHash {
  public static final String ALGORITHM = "rabbit_password_hashing_sha256";
  public static final int SALT_BYTES = 4;

  private PasswordHash() {}

  /** The hash of {@code password} with {@code salt} ({@value #SALT_BYTES} bytes). */
  public static String of(String password, byte[] salt) {
    if (salt.length != SALT_BYTES) {
      throw new IllegalArgumentException("salt must have " + SALT_BYTES + " bytes");
    }
    byte[] digest = digest(salt, password);
    byte[] salted = new byte[SALT_BYTES + digest.length];
    System.arraycopy(salt, 0, salted, 0, SALT_BYTES);
    System.arraycopy(digest, 0, salted, SALT_BYTES, digest.length);
    return Base64.getEncoder().encodeToString(salted);
  }

  /** Whether {@code hash} is a well-formed hash of this algorithm (or empty: no password). */
  public static boolean isValid(String hash) {
    if (hash.isEmpty()) {
      return true;
    }
    try {
      return Base64.getDecoder().decode(hash).length == SALT_BYTES + 32;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether {@code password} is the one {@code hash} was made from, in constant time. */
  public static boolean matches(String hash, String password) {
    if (hash.isEmpty() || !isValid(hash)) {
      return false;
    }
    byte[] salted = Base64.getDecoder().decode(hash);
    byte[] salt = java.util.Arrays.copyOf(salted, SALT_BYTES);
    byte[] expected = java.util.Arrays.copyOfRange(salted, SALT_BYTES, salted.length);
    return MessageDigest.isEqual(expected, digest(salt, password));
  }

  private static byte[] digest(byte[] salt, String password) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(salt);
      return sha.digest(password.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
