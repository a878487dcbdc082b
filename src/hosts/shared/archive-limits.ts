/** Caps on one repository archive, checked while it streams in, before anything lands on disk. */
export interface ArchiveLimits {
  /** Bytes of the download as it comes off the wire (gzipped). */
  maxCompressedBytes: number;
  /** Sum of the sizes of the files in the archive, as extracted. */
  maxExtractedBytes: number;
  /** Entries (files, directories, links) the archive lists. */
  maxEntries: number;
}

const MiB = 1024 * 1024;

/**
 * A deployment repository (charts, manifests, values) is a few MiB; these leave it a wide margin while a
 * gzip bomb or a repository full of binaries cannot fill the worker's disk or keep it busy for long. An
 * operator with a bigger repository raises them in the server configuration.
 */
export const DEFAULT_ARCHIVE_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  maxCompressedBytes: 100 * MiB,
  maxExtractedBytes: 500 * MiB,
  maxEntries: 20_000,
});

const what: Record<keyof ArchiveLimits, (limit: number) => string> = {
  maxCompressedBytes: (limit) => `the download is more than ${limit} bytes`,
  maxExtractedBytes: (limit) => `its files add up to more than ${limit} bytes`,
  maxEntries: (limit) => `it has more than ${limit} entries`,
};

/** An archive over one of its limits; extractTarball turns it into an `archive-too-large` error. */
export class ArchiveLimitError extends Error {
  constructor(
    readonly limit: keyof ArchiveLimits,
    readonly value: number,
  ) {
    super(
      `${what[limit](value)} (${limit}); raise limits.archive.${limit} in the server configuration file ` +
        "(for all repositories or for this one) if the repository really is that big",
    );
    this.name = "ArchiveLimitError";
  }
}
