package io.warren.node.management;

import io.warren.node.config.WarrenConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;

/**
 * The users the API lists. Today the node has one, the configured default user, and it is an
 * administrator with every permission on every vhost (permissions are not enforced yet). Its
 * password hash is made the way RabbitMQ makes one ({@code rabbit_password_hashing_sha256}: a
 * 4-byte salt, then SHA-256 of salt and password, in base64), so exported definitions load into
 * RabbitMQ too; the salt is new at each start.
 */
final class Users {
  static final String HASHING = "rabbit_password_hashing_sha256";
  static final String ALL = ".*";

  record User(String name, String passwordHash, List<String> tags) {}

  private final User defaultUser;

  private Users(User defaultUser) {
    this.defaultUser = defaultUser;
  }

  static Users fromConfig(WarrenConfig config) {
    return new Users(new User(config.get(WarrenConfig.DEFAULT_USER), hash(config.get(WarrenConfig.DEFAULT_PASS)),
        List.of("administrator")));
  }

  List<User> all() {
    return List.of(defaultUser);
  }

  User find(String name) {
    return all().stream().filter(u -> u.name().equals(name)).findFirst().orElseThrow(ApiException::notFound);
  }

  static String hash(String password) {
    byte[] salt = new byte[4];
    new SecureRandom().nextBytes(salt);
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(salt);
      byte[] digest = sha.digest(password.getBytes(StandardCharsets.UTF_8));
      byte[] salted = new byte[salt.length + digest.length];
      System.arraycopy(salt, 0, salted, 0, salt.length);
      System.arraycopy(digest, 0, salted, salt.length, digest.length);
      return java.util.Base64.getEncoder().encodeToString(salted);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, Object> json(User u) {
    return Json.obj("name", u.name(), "password_hash", u.passwordHash(), "hashing_algorithm", HASHING,
        "tags", u.tags(), "limits", Json.obj());
  }

  static Map<String, Object> permission(String user, String vhost) {
    return Json.obj("user", user, "vhost", vhost, "configure", ALL, "write", ALL, "read", ALL);
  }
}
