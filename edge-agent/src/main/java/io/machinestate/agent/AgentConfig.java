package io.machinestate.agent;

import io.machinestate.agent.central.GoogleAuth;
import io.machinestate.agent.swarming.BotLaunch;
import io.machinestate.protocol.ServerTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import okhttp3.HttpUrl;

/**
 * Everything the agent is told at start; see {@link Flags} for the flags that set it.
 *
 * @param server the central server, such as https://machines.example.org
 * @param bindAddress where the Swarming hook server listens; loopback unless the bot runs elsewhere
 * @param port the Swarming hook server's port; 0 picks a free one
 * @param machineId this machine's id, as Swarming knows it
 * @param stateDir where the last Description is kept
 * @param home where tasks leave the forced-quarantine file
 * @param sshMachineFile where recipes read the address of a ChromeOS device
 * @param pyocdConfig the JSON5 file naming a pyOCD device's type
 * @param toolPath where adb, ideviceinfo, ssh and docker are looked for; also their PATH
 * @param toolTimeout how long one run of a device tool may take
 * @param gceMetadataHost the GCE metadata server, as host[:port]
 * @param rackName reported to Swarming as sk_rack
 * @param swarming how the agent runs the Swarming bot; empty when it does not
 * @param eventInterval how often an event is sent without a trigger
 * @param pollInterval how often the Description is fetched besides following it
 * @param version this agent's version, reported in every event
 * @param token the bearer token for the central server, if any; never printed
 * @param googleAuth Google credentials for the central server instead of a token, if wanted
 * @param tls the certificates the central server connection trusts instead of the JVM's, if any
 */
public record AgentConfig(
    HttpUrl server,
    String bindAddress,
    int port,
    String machineId,
    Path stateDir,
    Path home,
    Path sshMachineFile,
    Path pyocdConfig,
    String toolPath,
    Duration toolTimeout,
    String gceMetadataHost,
    String rackName,
    Optional<BotLaunch> swarming,
    Duration eventInterval,
    Duration pollInterval,
    String version,
    Optional<String> token,
    Optional<GoogleAuth> googleAuth,
    Optional<ServerTls> tls) {

  public boolean startSwarming() {
    return swarming.isPresent();
  }

  public AgentConfig withIntervals(Duration event, Duration poll) {
    return new AgentConfig(server, bindAddress, port, machineId, stateDir, home, sshMachineFile, pyocdConfig,
        toolPath, toolTimeout, gceMetadataHost, rackName, swarming, event, poll, version, token, googleAuth, tls);
  }

  public AgentConfig withServer(HttpUrl newServer) {
    return new AgentConfig(newServer, bindAddress, port, machineId, stateDir, home, sshMachineFile, pyocdConfig,
        toolPath, toolTimeout, gceMetadataHost, rackName, swarming, eventInterval,
        pollInterval, version, token, googleAuth, tls);
  }

  /** Leaves the token out, as every log line must. */
  @Override
  public String toString() {
    return "AgentConfig[server=" + server + ", bindAddress=" + bindAddress + ", port=" + port + ", machineId=" + machineId
        + ", stateDir=" + stateDir + ", home=" + home + ", sshMachineFile=" + sshMachineFile + ", pyocdConfig=" + pyocdConfig
        + ", toolPath=" + toolPath + ", toolTimeout=" + toolTimeout + ", gceMetadataHost=" + gceMetadataHost
        + ", rackName=" + rackName + ", swarming=" + swarming
        + ", eventInterval=" + eventInterval + ", pollInterval=" + pollInterval
        + ", version=" + version + ", token=" + token.map(t -> "(hidden)").orElse("(none)")
        + ", googleAuth=" + googleAuth + ", tls=" + tls.map(String::valueOf).orElse("(JVM)") + "]";
  }
}
