package io.warren.node.amqp;

import io.warren.model.PasswordHash;
import java.security.SecureRandom;

/**
 * Hashes a password where it arrives (management API, the default user at start), with a random
 * salt, so that only the hash goes into the replicated log and the store.
 */
public final class PasswordHasher {
  private static final SecureRandom RANDOM = new SecureRandom();

  private PasswordHasher() {}

  public static String hash(String password) {
    byte[] salt = new byte[PasswordHash.SALT_BYTES];
    RANDOM.nextBytes(salt);
    return PasswordHash.of(password, salt);
  }
}
