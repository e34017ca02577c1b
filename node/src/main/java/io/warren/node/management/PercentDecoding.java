package io.warren.node.management;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** URL percent-decoding of one path segment or query part (UTF-8). */
final class PercentDecoding {
  private PercentDecoding() {}

  /**
   * @param plusIsSpace true in a query string (form encoding), false in a path, where {@code +}
   *     is itself
   * @throws ApiException 400 for a malformed escape
   */
  static String decode(String s, boolean plusIsSpace) {
    if (s.indexOf('%') < 0 && !(plusIsSpace && s.indexOf('+') >= 0)) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '%') {
        int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
        int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
        if (hi < 0 || lo < 0) {
          throw ApiException.badRequest("malformed URL escape in '" + s + "'");
        }
        out.write((hi << 4) | lo);
        i += 3;
      } else if (c == '+' && plusIsSpace) {
        out.write(' ');
        i++;
      } else {
        int end = i;
        while (end < s.length() && s.charAt(end) != '%' && !(plusIsSpace && s.charAt(end) == '+')) {
          end++;
        }
        out.writeBytes(s.substring(i, end).getBytes(StandardCharsets.UTF_8));
        i = end;
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
