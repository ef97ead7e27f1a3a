"""Parents of differencing VM disks, found where an examiner keeps them: beside the child image.

A VMware snapshot (``disk-000001.vmdk``) names its parent in ``parentFileNameHint``, and a QCOW2 overlay
names its backing file, often as an absolute path on the host that ran the VM
(``/var/lib/libvirt/images/base.qcow2``). dfvfs opens a VMDK without its parent (every read then fails:
"missing parent handle") and joins a QCOW2 backing path to the overlay's folder, which for an absolute
path names no file. An evidence copy keeps the chain in one folder, so each parent is looked for by the
path as written when relative and inside the child's folder, then by its base name beside the child; never
at an absolute path on the examiner's machine, nor by ../ out of the evidence folder: either could be
another, unrelated disk. Applied once per process, like
``image_noatime.dfvfs_without_atime`` (whose O_NOATIME file objects read the parents too). A QCOW2 backing
file that is no QCOW image (raw, VMDK, VHD/VHDX) is read through its own back-end (image_backing).
"""

from __future__ import annotations

import io
import ntpath
import posixpath
import struct
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dfvfs.file_io.vmdk_file_io import VMDKFile
    from dfvfs.path.path_spec import PathSpec

_patched = False


def parent_candidates(child_location: str, written: str) -> list[str]:
    """Where a parent named WRITTEN (by the child at CHILD_LOCATION) may be, in order."""
    folder = posixpath.dirname(child_location)
    out = []
    if written and not posixpath.isabs(written) and not ntpath.isabs(written):
        place = posixpath.normpath(posixpath.join(folder, written.replace("\\", "/")))
        if posixpath.commonpath([folder or ".", place]) == (folder or "."):  # no ../ out of the evidence folder
            out.append(place)
    base = ntpath.basename(written.replace("/", "\\"))
    beside = posixpath.join(folder, base) if base else ""
    # the child itself is no parent found by its name alone (vm.qcow2 over /images/vm.qcow2: that backing file is
    # not here); named by the path as written it is (a crafted loop: image-parent-loop)
    if beside and (posixpath.normpath(beside) != posixpath.normpath(child_location) or beside in out):
        out.append(beside)
    return list(dict.fromkeys(out))


VHD_MAGICS = (b"conectix", b"vhdxfile")
MAX_SIBLINGS = 256  # files looked at for a renamed parent: an evidence folder, not a whole share


def vhd_parent_by_identifier(folder: str, identifier: str, exclude: str = "") -> str | None:
    """The VHD/VHDX file in FOLDER whose own identifier is IDENTIFIER (what a differencing child records of its
    parent beside the parent's name), or None. A parent copied under another name (``base (copy).vhd``,
    ``parent.vhd.bak``, no extension) is still that very disk: its identifier says so, its name cannot."""
    import os

    from ..backends import load
    from .image_noatime import list_evidence_folder, open_evidence, read_evidence

    if not identifier:
        return None
    try:
        names = sorted(list_evidence_folder(folder))[:MAX_SIBLINGS]
    except OSError:
        return None
    pyvhdi = load("pyvhdi")
    for name in names:
        path = os.path.join(folder, name)
        if path == exclude or not os.path.isfile(path) or os.path.islink(path):
            continue
        try:
            if read_evidence(path, 8) not in VHD_MAGICS:
                continue
            f, fobj = pyvhdi.file(), os.fdopen(open_evidence(path), "rb", buffering=0)  # O_NOATIME, unbuffered
            try:
                f.open_file_object(fobj)
                own = str(f.identifier)
                f.close()
            finally:
                fobj.close()
        except (OSError, RuntimeError, ValueError):
            continue
        if own.casefold() == identifier.casefold():
            return path
    return None


def _existing(file_system: Any, path_spec: Any, candidates: list[str]) -> Any | None:
    """An OS-level path spec like PATH_SPEC for the first candidate that exists, or None."""
    from dfvfs.path import factory

    for location in candidates:
        kwargs = factory.Factory.GetProperties(path_spec)
        kwargs["location"] = location
        if path_spec.parent is not None:
            kwargs["parent"] = path_spec.parent
        spec = factory.Factory.NewPathSpec(path_spec.type_indicator, **kwargs)
        if path_spec.type_indicator == "OS" and not _regular(location):
            continue  # a link (to a file elsewhere, to /dev/...) or a FIFO is no parent in the evidence folder
        if file_system.FileEntryExistsByPathSpec(spec):
            return spec
    return None


def backing_place(child_location: str, written: str) -> str | None:
    """The file a parent named WRITTEN by the child at CHILD_LOCATION is read from: the first of parent_candidates
    that is a regular file itself (as dfvfs is made to find it: _existing), or None."""
    return next((c for c in parent_candidates(child_location, written) if _regular(c)), None)


MAX_CHAIN = 32  # images in one chain of differencing/backing files


class ParentChainError(OSError):
    """A chain of parent (backing) files that comes back to a file already in it (crafted or damaged: A's parent is
    B, B's is A, by name or by identifier), or longer than MAX_CHAIN: no image of it is read. NAME is the file
    pointed back to (or the one past the limit), CHAIN the base names from the child."""

    def __init__(self, name: str, chain: list[str], loops: bool) -> None:
        self.name, self.chain, self.loops = name, chain, loops
        super().__init__(f"the parent chain loops back to {name} ({' -> '.join(chain)})" if loops
                         else f"the parent chain is longer than {MAX_CHAIN} images (at {name})")


class ParentMismatchError(OSError):
    """A parent file found under the name (or identifier) the child records that is another disk: libvhdi refuses
    it ("mismatch in identifier") without naming either file. WRITTEN is the parent name the child records, FOUND
    the file tried, EXPECTED the identifier the child records and OWN the file's own."""

    def __init__(self, written: str, found: str, expected: str, own: str, library: str) -> None:
        self.written, self.found, self.expected, self.own, self.library = written, found, expected, own, library
        super().__init__(f"parent file {written} ({found}) is another disk: identifier {own}, the child expects "
                         f"{expected} ({library})")


def visit_parent(chain: list[str], location: str) -> None:
    """Note LOCATION as one more image of CHAIN (QCOW backing files, VHD and VMDK parents, from the child): a chain
    that comes back to a file already in it or longer than MAX_CHAIN raises ParentChainError. (A count of the
    parents opened does not stop a loop: each is kept only after its own parents are opened.)"""
    check_parent(chain, location)
    chain.append(location)


def check_parent(chain: list[str], location: str) -> None:
    """ParentChainError when LOCATION (a parent about to be opened) is already in CHAIN or CHAIN is full."""
    names = [posixpath.basename(c) for c in [*chain, location]]
    if posixpath.normpath(location) in {posixpath.normpath(c) for c in chain}:
        raise ParentChainError(names[-1], names, loops=True)
    if len(chain) >= MAX_CHAIN:
        raise ParentChainError(names[-1], names, loops=False)


def _regular(location: str) -> bool:
    """Whether LOCATION is a regular file itself (lstat: a symbolic link is not followed)."""
    import os
    import stat

    try:
        return stat.S_ISREG(os.lstat(location).st_mode)
    except OSError:
        return False


def dfvfs_parents_beside() -> None:
    """Make dfvfs open VMDK parents and QCOW2 backing files (once per process)."""
    global _patched
    if _patched:
        return
    from dfvfs.file_io import qcow_file_io, vhdi_file_io, vmdk_file_io
    from dfvfs.lib import errors as dfvfs_errors
    from dfvfs.lib import ewf_helper

    vmdk_open = vmdk_file_io.VMDKFile._OpenFileObject

    def vmdk_with_parent(self: Any, path_spec: Any, chain: list[str] | None = None) -> Any:
        try:
            handle = _monolithic_sparse(self, path_spec) or vmdk_open(self, path_spec)
        except (OSError, RuntimeError, ValueError, dfvfs_errors.Error):
            handle = _sparse_with_stand_ins(self, path_spec)
            if handle is None:
                raise
        written = handle.parent_filename
        if not written:
            return handle
        from dfvfs.path import factory
        from dfvfs.resolver import resolver

        os_spec = path_spec.parent
        location = getattr(os_spec, "location", None)
        if not location:
            return handle
        file_system = resolver.Resolver.OpenFileSystem(os_spec, resolver_context=self._resolver_context)
        found = _existing(file_system, os_spec, parent_candidates(location, written))
        if found is None:
            return handle  # reads fail with libvmdk's "missing parent handle"; image_media names the file
        chain = [location] if chain is None else chain
        visit_parent(chain, found.location)
        parent = vmdk_with_parent(self, factory.Factory.NewPathSpec("VMDK", parent=found), chain)
        handle.set_parent(parent)
        self.__dict__.setdefault("_leakscan_parents", []).append(parent)  # kept open as long as the child
        return handle

    def qcow_parent(self: Any, file_system: Any, path_spec: Any, qcow_file: Any, chain: list[str] | None = None) -> None:
        from dfvfs.resolver import resolver

        from ..backends import load

        pyqcow = load("pyqcow")

        location = getattr(path_spec, "location", None)
        if not location:
            return
        chain = [] if chain is None else chain  # dfvfs calls with the child; each parent is added below
        visit_parent(chain, location)
        found = _existing(file_system, path_spec, parent_candidates(location, qcow_file.backing_filename))
        if found is None:
            return  # reads fail with libqcow's "missing parent file"; image_media names the file
        check_parent(chain, found.location)  # before it is read: a QCOW2 met again was read as a raw backing disk
        file_object = resolver.Resolver.OpenFileObject(found, resolver_context=self._resolver_context)
        file_object.seek(0)  # dfvfs' resolver shares one file object per file: it may stand anywhere
        head = file_object.read(1024)
        file_object.seek(0)
        if head[:4] != b"QFI\xfb":  # raw, VMDK, VHD: read through its own back-end
            from .image_backing import backing_view, declared_backing_format

            try:
                child = resolver.Resolver.OpenFileObject(path_spec, resolver_context=self._resolver_context)
                where = child.tell()  # dfvfs' shared file object, libqcow's own: put back where it stood
                child.seek(0)
                declared = declared_backing_format(child.read(65536))
                child.seek(where)
                parent, keep = backing_view(found, head, qcow_file.media_size, self._resolver_context, declared)
            except Exception as e:  # noqa: BLE001 - dfvfs and libyal errors of every kind: the backing file named
                raise _unusable_backing(qcow_file.backing_filename, found.location, head[:4], e) from e
            qcow_file.set_parent(parent)
            self._parent_qcow_files.append(parent)
            self.__dict__.setdefault("_leakscan_backing", []).append(keep)
            return
        parent = pyqcow.file()
        try:
            parent.open_file_object(file_object)
        except (OSError, RuntimeError) as e:  # say which file of the chain is at fault, and what to do
            file_object.seek(0)
            raise _unusable_backing(qcow_file.backing_filename, found.location, file_object.read(4), e) from e
        if parent.backing_filename:
            qcow_parent(self, file_system, found, parent, chain)
        qcow_file.set_parent(parent)
        self._parent_qcow_files.append(parent)

    def vhdi_parent(self: Any, file_system: Any, path_spec: Any, vhdi_file: Any, chain: list[str] | None = None) -> None:
        """dfvfs' VHDIFile._OpenParentFile, and when no file has the parent's name beside the child, the file
        there whose identifier is the parent's (a renamed copy)."""
        from dfvfs.path import factory
        from dfvfs.resolver import resolver

        from ..backends import load

        location = getattr(path_spec, "location", None)
        if not location:
            return
        chain = [] if chain is None else chain  # dfvfs calls with the child; each parent is added below
        visit_parent(chain, location)
        written = str(vhdi_file.parent_filename or "")
        found = _existing(file_system, path_spec, parent_candidates(location, written.replace("\\", "/")))
        if found is None and path_spec.type_indicator == "OS":
            other = vhd_parent_by_identifier(posixpath.dirname(location), str(vhdi_file.parent_identifier), location)
            found = factory.Factory.NewPathSpec("OS", location=other) if other else None
        if found is None:
            return  # reads fail with libvhdi's "missing parent file"; image_media names the file
        check_parent(chain, found.location)
        file_object = resolver.Resolver.OpenFileObject(found, resolver_context=self._resolver_context)
        parent = load("pyvhdi").file()
        parent.open_file_object(file_object)
        if parent.parent_identifier:
            vhdi_parent(self, file_system, found, parent, chain)
        try:
            vhdi_file.set_parent(parent)
        except OSError as e:  # libvhdi names neither file: the one the child records and the one found are said
            own, expected = str(parent.identifier or ""), str(vhdi_file.parent_identifier or "")
            if own.casefold() == expected.casefold():
                raise
            raise ParentMismatchError(written or "?", found.location, expected, own, str(e)) from e
        self._parent_vhdi_files.append(parent)
        self._sub_file_objects.append(file_object)

    vhdi_file_io.VHDIFile._OpenParentFile = vhdi_parent
    vmdk_file_io.VMDKFile._OpenFileObject = vmdk_with_parent
    qcow_file_io.QCOWFile._OpenParentFile = qcow_parent
    ewf_helper.EWFGlobPathSpec = _ewf_glob_or_itself(ewf_helper.EWFGlobPathSpec)
    _patched = True


def _stand_in_extent(header: bytes, size: int) -> bytes:
    """An empty sparse extent of SIZE bytes (a KDMV header copied from a present extent, its capacity set, a grain
    directory of zeros): libvmdk reads it as zeros, so the extents present open without the missing one."""
    out = bytearray(header[:512])
    struct.pack_into("<Q", out, 12, size // 512)  # capacity in sectors
    struct.pack_into("<QQ", out, 28, 0, 0)  # no embedded descriptor (offset, size)
    grains = -(-size // 512 // max(1, struct.unpack_from("<Q", out, 20)[0]))
    tables = -(-grains // max(1, struct.unpack_from("<I", out, 44)[0]))
    directory = -(-tables * 4 // 512) * 512
    struct.pack_into("<QQQ", out, 48, 1 + directory // 512, 1, 1 + 2 * directory // 512)
    return bytes(out) + bytes(2 * directory)


def _sparse_with_stand_ins(self: VMDKFile, path_spec: PathSpec) -> Any:
    """The pyvmdk handle of a split sparse VMDK (twoGbMaxExtentSparse) with extent files missing, each missing one
    replaced by an empty stand-in (read as zeros) so that what the extents present hold is read; the missing names
    are kept on SELF (``_leakscan_stand_ins``: name, disk offset, size) for the image to list (a disk whose last
    extent was missing was refused whole, though its partitions lay in the first). None when this is not that case
    (a flat or other extent missing, none present, not an OS file)."""
    import os

    from ..backends import load
    from .image_noatime import open_evidence

    pyvmdk = load("pyvmdk")
    location = getattr(path_spec.parent, "location", None) if path_spec.HasParent() else None
    if not location or path_spec.parent.type_indicator != "OS":
        return None
    handle = pyvmdk.handle()
    with os.fdopen(open_evidence(location), "rb") as descriptor:
        handle.open_file_object(io.BytesIO(descriptor.read(1 << 20)))
    extents = list(handle.extent_descriptors)
    folder, header, at = os.path.dirname(location), b"", 0
    files: list[IO[bytes] | None] = []
    gone: list[tuple[str, int, int]] = []
    for e in extents:
        name = str(e.filename).replace("\\", "/").rsplit("/", 1)[-1]
        path = os.path.join(folder, name)
        if os.path.isfile(path) and not os.path.islink(path):
            f = os.fdopen(open_evidence(path), "rb")
            files.append(f)
            if not header and e.type == pyvmdk.extent_types.SPARSE:
                header = f.read(512)
                f.seek(0)
        elif e.type == pyvmdk.extent_types.SPARSE:
            files.append(None)
            gone.append((name, at, int(e.size)))
        else:
            header = b""
            break
        at += int(e.size)
    if not gone or len(gone) == len(extents) or header[:4] != b"KDMV":
        for kept in files:
            if kept is not None:
                kept.close()
        handle.close()
        return None
    sizes = {name: size for name, _, size in gone}
    names = iter(name for name, _, _ in gone)
    opened = [f if f is not None else io.BytesIO(_stand_in_extent(header, sizes[next(names)])) for f in files]
    handle.open_extent_data_files_as_file_objects(opened)
    self.__dict__["_leakscan_extent_files"] = opened  # kept open as long as the handle
    self.__dict__["_leakscan_stand_ins"] = gone
    return handle


def _monolithic_sparse(self: VMDKFile, path_spec: PathSpec) -> Any:
    """The pyvmdk handle of a monolithic sparse (or stream-optimized) VMDK, its one extent read from the file
    itself, or None when the VMDK is of another kind (dfvfs' own open then finds its extent files). Its
    descriptor lies inside it and names the file as it was first called (``RW 8192 SPARSE "ext2.vmdk"``):
    dfvfs opened a file of that name beside a renamed or cut copy as its extent, so another disk's bytes
    were read as this one's. Such a VMDK is always its own extent."""
    from dfvfs.resolver import resolver

    from ..backends import load

    pyvmdk = load("pyvmdk")
    if not path_spec.HasParent():
        return None
    file_object = resolver.Resolver.OpenFileObject(path_spec.parent, resolver_context=self._resolver_context)
    file_object.seek(0)  # dfvfs' own (cached by its resolver context, as its open shares it): not closed here
    if file_object.read(4) != b"KDMV":  # a text descriptor naming its extent files: dfvfs' way
        return None
    handle = pyvmdk.handle()
    handle.open_file_object(file_object)
    extents = list(handle.extent_descriptors)
    if (handle.disk_type not in (pyvmdk.disk_types.MONOLITHIC_SPARSE, pyvmdk.disk_types.STREAM_OPTIMIZED)
            or len(extents) != 1 or extents[0].type != pyvmdk.extent_types.SPARSE):
        handle.close()
        return None
    handle.open_extent_data_files_as_file_objects([file_object])
    return handle


def _unusable_backing(written: str, location: str, head: bytes, e: BaseException) -> Exception:
    """dfvfs' error for a backing file that cannot be read: a damaged QCOW, or a raw, VMDK or VHD backing image
    its own back-end refused (image_backing)."""
    from dfvfs.lib import errors

    if head != b"QFI\xfb":
        return errors.BackEndError(
            f"backing file {written} ({location}) is not a QCOW image and cannot be read as a raw, VMDK or VHD "
            f"one (damaged?): {e}")
    return errors.BackEndError(f"backing file {written} ({location}) cannot be opened as a QCOW image "
                               f"(damaged?): libqcow: {e}")


def _ewf_glob_or_itself(glob: Callable[[Any, Any], list[Any]]) -> Callable[[Any, Any], list[Any]]:
    """dfvfs finds EWF segments by name only (pc.E01, pc.E02 ...) and refuses any other name: an E01 renamed
    ``evidence`` or held in memory as an archive member is then its own only segment (image_media.
    ewf_segment_paths says the same for the storage layer, and names what follows when the set goes on)."""

    def segments(file_system: Any, path_spec: Any) -> list[Any]:
        from dfvfs.lib import errors

        from .image_sniff import EWF_SEGMENT_NAME

        try:
            return glob(file_system, path_spec)
        except errors.PathSpecError:
            parent = path_spec.parent
            location = getattr(parent, "location", None) or ""
            if EWF_SEGMENT_NAME.search(location) or _segment_number(parent, location) is None:
                raise
            return [parent]

    def _segment_number(parent: object, location: str) -> int | None:
        # a host file is read by its path; a file inside an image (TSK, FAT ...) through dfvfs, never by its
        # in-image path on this machine (an unrelated host file of that name would decide)
        from .image_sniff import ewf_segment_number, ewf_segment_of_head

        if getattr(parent, "type_indicator", None) == "OS":
            return ewf_segment_number(location)
        from dfvfs.resolver import resolver

        try:
            stream = resolver.Resolver.OpenFileObject(parent)
            return ewf_segment_of_head(stream.read(16))
        except Exception:  # noqa: BLE001 - dfvfs/back-end errors of every kind: not a readable segment
            return None

    return segments
