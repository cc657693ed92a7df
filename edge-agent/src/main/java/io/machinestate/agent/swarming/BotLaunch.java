package io.machinestate.agent.swarming;

import java.nio.file.Path;
import okhttp3.HttpUrl;

/**
 * How the agent runs the Swarming bot, as its flags say.
 *
 * @param python the Python that runs the bot
 * @param botZip the bot's code; downloaded when missing
 * @param servers where the code is downloaded from
 * @param metadataUrl the lab's metadata server, giving the access token for the download
 * @param leaveRunning whether a stopping agent leaves the bot and its task running for the next one
 */
public record BotLaunch(Path python, Path botZip, SwarmingServers servers, HttpUrl metadataUrl, boolean leaveRunning) {}
