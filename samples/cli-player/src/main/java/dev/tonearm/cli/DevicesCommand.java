package dev.tonearm.cli;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.drm.DrmException;
import dev.tonearm.drm.OkHttpLicenceClient;
import dev.tonearm.drm.RegisteredDevice;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Lists the devices registered to an account and removes them. The server limits how many devices
 * an account may register, and each key store file that plays an encrypted track registers one,
 * so removing an unused device frees a slot for a new key store.
 */
@Command(
    name = "devices",
    mixinStandardHelpOptions = true,
    description = {
      "List the devices registered to the account, oldest first. '*' marks the device of this"
          + " machine's key store.",
      "Remove a device with 'devices remove DEVICE_ID' to free a slot for another key store."
    },
    subcommands = DevicesCommand.RemoveCommand.class)
final class DevicesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Option(
      names = "--key-store",
      paramLabel = "FILE",
      description = {
        "Key store whose device is marked as this machine's. It is only read.",
        "Default: ~/.tonearm/cli-key-store.tks"
      })
  Path keyStore;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path keyStoreFile = keyStore != null ? keyStore : CliDecryption.DEFAULT_KEY_STORE;
    try {
      Optional<String> thisDevice = CliDecryption.storedDeviceId(keyStoreFile);
      List<RegisteredDevice> devices = licenceClient(server.login(spec)).listDevices();
      for (RegisteredDevice device : devices) {
        boolean isThisMachine = thisDevice.map(device.deviceId()::equals).orElse(false);
        out.printf(
            "%s %s  registered %s  %s%n",
            isThisMachine ? "*" : " ",
            device.deviceId(),
            Instant.ofEpochMilli(device.registeredAtMs()).truncatedTo(ChronoUnit.SECONDS),
            device.name().isEmpty() ? "(no name)" : device.name());
      }
      out.println(devices.size() + " device(s)");
      out.flush();
      return 0;
    } catch (DrmException e) {
      err.println("error: " + e.reasonName() + ": " + e.getMessage());
      return TonearmCli.EXIT_FAILURE;
    } catch (PlaybackException e) {
      err.println("error: " + e.reason() + ": " + e.getMessage());
      return TonearmCli.EXIT_FAILURE;
    }
  }

  private static OkHttpLicenceClient licenceClient(TonearmClient client) {
    return OkHttpLicenceClient.builder().session(client).build();
  }

  /** Deauthorises one device of the account. */
  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = {
        "Remove a device from the account, which frees its slot. The server issues no more"
            + " licences to it; keys it already holds work until their licences expire."
      })
  static final class RemoveCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @ParentCommand DevicesCommand parent;

    @Parameters(
        index = "0",
        paramLabel = "DEVICE_ID",
        description = "Device to remove, as the devices command lists it.")
    String deviceId;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      try {
        licenceClient(parent.server.login(spec)).deauthoriseDevice(deviceId);
      } catch (DrmException e) {
        err.println("error: " + e.reasonName() + ": " + e.getMessage());
        return TonearmCli.EXIT_FAILURE;
      } catch (PlaybackException e) {
        err.println("error: " + e.reason() + ": " + e.getMessage());
        return TonearmCli.EXIT_FAILURE;
      }
      spec.commandLine().getOut().println("removed device " + deviceId);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
