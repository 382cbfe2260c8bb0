import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { FuseV1Options, FuseVersion, type FuseConfig } from '@electron/fuses';

const require = createRequire(import.meta.url);

interface PackContextLike {
  appOutDir: string;
  electronPlatformName: string;
  packager: { executableName?: string; appInfo: { productFilename: string } };
}
type AfterPack = ((context: PackContextLike, flip?: (binary: string, config: FuseConfig) => Promise<number>) => Promise<{ binary: string; config: FuseConfig }>) & {
  default: AfterPack;
  FUSES: FuseConfig & { resetAdHocDarwinSignature?: boolean };
  electronBinaryPath(context: PackContextLike): string;
};

const config = require('../../../build/electron-builder.config.cjs') as Record<string, unknown> & {
  linux: { target: string[]; executableName: string; maintainer: string };
  win: { target: Array<{ target: string }> };
  files: string[];
  extraMetadata: { main: string };
  directories: { output: string };
};
const afterPack = require('../../../build/afterPack.cjs') as AfterPack;

describe('electron-builder config', () => {
  it('packages the bundles into an asar with better-sqlite3 unpacked and rebuilt for Electron', () => {
    expect(config.appId).toBe('org.till.pos');
    expect(config.productName).toBe('Till');
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(['node_modules/better-sqlite3/**']);
    expect(config.npmRebuild).toBe(true);
    expect(config.files).toEqual(['dist/electron/**', 'dist/renderer/**', 'package.json', '!**/*.map']);
    expect(config.extraMetadata.main).toBe('dist/electron/main.cjs');
    // The installers must not land in dist/, which is packaged.
    expect(config.directories.output).not.toMatch(/^dist/);
    expect(config.afterPack).toBe('./build/afterPack.cjs');
    expect(config.electronFuses).toBeNull();
  });

  it('targets AppImage + deb on Linux and NSIS on Windows', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.executableName).toBe('till');
    expect(config.linux.maintainer).toMatch(/<.+>/);
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis']);
  });

  it("passes electron-builder's own schema validation", async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as { validateConfiguration(c: unknown, l: unknown): Promise<void> };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, notAnOption: true }, new DebugLogger(false))).rejects.toThrow(/Invalid configuration/);
  });
});

describe('afterPack fuses', () => {
  const expected = {
    version: FuseVersion.V1,
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  };

  it('declares exactly the fuses we want', () => {
    expect(Object.isFrozen(afterPack.FUSES)).toBe(true);
    expect(afterPack.FUSES).toEqual({ ...expected, resetAdHocDarwinSignature: true });
    expect(afterPack.default).toBe(afterPack);
  });

  it('flips them on the packaged Linux, Windows and macOS binaries', async () => {
    const packager = { executableName: 'till', appInfo: { productFilename: 'Till' } };
    const cases = [
      { electronPlatformName: 'linux', binary: '/out/linux-unpacked/till', config: expected },
      { electronPlatformName: 'win32', binary: '/out/win-unpacked/Till.exe', config: expected },
      { electronPlatformName: 'darwin', binary: '/out/mac/Till.app', config: { ...expected, resetAdHocDarwinSignature: true } },
    ];
    for (const c of cases) {
      const flipped: Array<{ binary: string; config: FuseConfig }> = [];
      const appOutDir = c.binary.slice(0, c.binary.lastIndexOf('/'));
      const result = await afterPack({ appOutDir, electronPlatformName: c.electronPlatformName, packager }, async (binary, fuses) => {
        flipped.push({ binary, config: fuses });
        return 1;
      });
      expect(flipped, c.electronPlatformName).toEqual([{ binary: c.binary, config: c.config }]);
      expect(result.binary).toBe(c.binary);
    }
    await expect(afterPack({ appOutDir: '/out', electronPlatformName: 'freebsd', packager }, async () => 1)).rejects.toThrow(/unsupported platform/);
  });

  it('uses the real @electron/fuses flipFuses by default (fails cleanly on a non-Electron file)', async () => {
    await expect(afterPack({ appOutDir: '/nonexistent', electronPlatformName: 'linux', packager: { executableName: 'till', appInfo: { productFilename: 'Till' } } })).rejects.toThrow();
  });
});
