package io.warren.node.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.model.AccessControl;
import io.warren.model.Command;
import io.warren.model.PasswordHash;
import io.warren.node.amqp.PasswordHasher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Users and permissions as the API shows and takes them, over the replicated {@link
 * AccessControl}: RabbitMQ's JSON shapes, and the commands a request body stands for (a password
 * is hashed here, on the node that received it, before anything is submitted).
 */
final class Users {
  private final Supplier<AccessControl> access;

  Users(Supplier<AccessControl> access) {
    this.access = access;
  }

  AccessControl access() {
    return access.get();
  }

  AccessControl.User find(String name) {
    return access.get().user(name).orElseThrow(ApiException::notFound);
  }

  static Map<String, Object> json(AccessControl.User u) {
    return Json.obj("name", u.name(), "password_hash", u.passwordHash(), "hashing_algorithm", PasswordHash.ALGORITHM,
        "tags", u.tags(), "limits", Json.obj());
  }

  static Map<String, Object> json(AccessControl.Permission p) {
    return Json.obj("user", p.user(), "vhost", p.vhost(), "configure", p.configure().source(),
        "write", p.write().source(), "read", p.read().source());
  }

  static Map<String, Object> json(AccessControl.TopicPermission t) {
    return Json.obj("user", t.user(), "vhost", t.vhost(), "exchange", t.exchange(), "write", t.write().source(),
        "read", t.read().source());
  }

  /**
   * The {@link Command.PutUser} a {@code PUT /api/users/{name}} body stands for: {@code password}
   * (hashed here) or {@code password_hash} (RabbitMQ's sha256 format); neither keeps an existing
   * user's password and gives a new one none. {@code tags}: a comma-separated string or a list.
   */
  static Command.PutUser putUser(String name, JsonNode body) {
    String hash = null;
    JsonNode password = body.get("password");
    JsonNode passwordHash = body.get("password_hash");
    if (password != null && !password.isNull()) {
      hash = PasswordHasher.hash(password.asText());
    } else if (passwordHash != null && !passwordHash.isNull()) {
      String algorithm = Json.text(body, "hashing_algorithm", PasswordHash.ALGORITHM);
      if (!algorithm.equals(PasswordHash.ALGORITHM)) {
        throw ApiException.badRequest("unsupported hashing_algorithm '" + algorithm + "': only "
            + PasswordHash.ALGORITHM);
      }
      hash = passwordHash.asText();
      if (!PasswordHash.isValid(hash)) {
        throw ApiException.badRequest("not_base64: invalid password_hash");
      }
    }
    return new Command.PutUser(name, hash, tags(body.get("tags")));
  }

  static List<String> tags(JsonNode tags) {
    List<String> out = new ArrayList<>();
    if (tags == null || tags.isNull()) {
      return out;
    }
    if (tags.isArray()) {
      tags.forEach(t -> out.add(t.asText()));
    } else {
      for (String t : tags.asText().split(",")) {
        if (!t.isBlank()) {
          out.add(t.trim());
        }
      }
    }
    return out;
  }

  /** The fields a permission body must have, as RabbitMQ's {@code key_missing} error lists them. */
  static void requireKeys(JsonNode body, String... keys) {
    List<String> missing = new ArrayList<>();
    for (String k : keys) {
      if (body.get(k) == null || body.get(k).isNull()) {
        missing.add("{key_missing," + k + "}");
      }
    }
    if (!missing.isEmpty()) {
      throw ApiException.badRequest("[" + String.join(",", missing) + "]");
    }
  }
}
