package dev.tonearm.server.drm;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;

/** RSA key pairs for device registration tests. */
final class TestKeys {
  private TestKeys() {}

  static KeyPair rsa(int bits) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(bits);
    return generator.generateKeyPair();
  }

  static String rsaPublicKeyBase64(int bits) throws Exception {
    return base64(rsa(bits));
  }

  static String base64(KeyPair pair) {
    return Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
  }
}
