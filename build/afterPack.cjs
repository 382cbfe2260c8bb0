// electron-builder afterPack hook: flips the Electron fuses of the packaged binary with
// @electron/fuses (after pack, before signing). FUSES is exported so the unit test asserts
// exactly what would be written; `flip` is injectable so the test runs without a binary.
'use strict';

const path = require('node:path');
const { flipFuses, FuseVersion, FuseV1Options } = require('@electron/fuses');

const FUSES = Object.freeze({
  version: FuseVersion.V1,
  // No ELECTRON_RUN_AS_NODE: the packaged app cannot be turned into a plain Node interpreter.
  [FuseV1Options.RunAsNode]: false,
  // Cookies on disk encrypted with the OS keeper.
  [FuseV1Options.EnableCookieEncryption]: true,
  // NODE_OPTIONS / NODE_EXTRA_CA_CERTS ignored.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  // --inspect and friends ignored (and SIGUSR1 does not open an inspector).
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // app.asar validated against its embedded hash (macOS and Windows; no effect on Linux).
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  // Only app.asar is loaded (no loose app/ folder next to it).
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // file:// pages get no extra privileges; the renderer is served from app://.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  // Re-sign ad hoc on Apple silicon (a real signature replaces it when signing is configured).
  resetAdHocDarwinSignature: true,
});

/** The Electron executable inside appOutDir, as electron-builder names it per platform. */
function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
    case 'win32':
      return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
    case 'linux':
      return path.join(appOutDir, packager.executableName);
    default:
      throw new Error(`afterPack: unsupported platform ${electronPlatformName}`);
  }
}

async function afterPack(context, flip = flipFuses) {
  const binary = electronBinaryPath(context);
  const config = electronPlatformNameIsMac(context.electronPlatformName) ? FUSES : withoutDarwinReset(FUSES);
  await flip(binary, config);
  return { binary, config };
}

function electronPlatformNameIsMac(name) {
  return name === 'darwin' || name === 'mas';
}

function withoutDarwinReset(fuses) {
  const rest = { ...fuses };
  delete rest.resetAdHocDarwinSignature;
  return rest;
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.FUSES = FUSES;
module.exports.electronBinaryPath = electronBinaryPath;
