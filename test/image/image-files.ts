import { buildah } from "./start-image.js";

/**
 * Calls `fn` with the directory holding `image`'s files (a throw-away `buildah from` container, mounted),
 * then unmounts and removes the container whatever `fn` does.
 */
export async function withImageFiles<T>(image: string, fn: (rootfs: string) => Promise<T>): Promise<T> {
  const container = await buildah(["from", "--pull=never", image]);
  try {
    return await fn(await buildah(["mount", container]));
  } finally {
    await buildah(["umount", container]).catch(() => undefined);
    await buildah(["rm", container]);
  }
}
