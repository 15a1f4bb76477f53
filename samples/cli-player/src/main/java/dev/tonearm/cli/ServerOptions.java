package dev.tonearm.cli;

import dev.tonearm.core.api.TonearmClient;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;

/**
 * Options that name a running Tonearm server and the account to log in with. Subcommands inherit
 * them, so {@code devices remove ID --server URL} and {@code devices --server URL remove ID} both
 * set the options of {@code devices}.
 */
final class ServerOptions {
  @Option(
      names = "--server",
      paramLabel = "URL",
      required = true,
      scope = ScopeType.INHERIT,
      description = {"Base URL of the server's API listener.", "Example: http://127.0.0.1:8080"})
  String serverUrl;

  @Option(
      names = "--user",
      paramLabel = "NAME",
      scope = ScopeType.INHERIT,
      description = {"Account to log in with.", "Default: ${DEFAULT-VALUE}"},
      defaultValue = DemoCommand.PREMIUM_USER)
  String user;

  @Option(
      names = "--password",
      paramLabel = "PASSWORD",
      scope = ScopeType.INHERIT,
      description = "Password of the account. Default: the demo Premium account's password.",
      defaultValue = DemoCommand.PREMIUM_PASSWORD)
  String password;

  /**
   * Creates a client for the server and logs in. The client logs in again with the same
   * credentials when the server rejects its refresh token, as after a server restart.
   */
  TonearmClient login(CommandSpec spec) throws java.io.IOException {
    TonearmClient client;
    try {
      client =
          TonearmClient.builder()
              .setBaseUrl(serverUrl)
              .setReauthenticator(again -> again.login(user, password))
              .build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "--server must be an http or https URL: " + serverUrl);
    }
    client.login(user, password);
    return client;
  }
}
