"""The type check holds: mypy over scanner/ and reports/ with the configuration in pyproject.toml
(``[tool.mypy]``), and no new parameter typed ``Any`` (a type that cannot be named is moved down a floor,
never dodged; the parameters below hold objects of libraries that ship no type information)."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from conftest import ROOT

# Parameters typed ``Any`` (or ``Any | None``) today, as "file:function(parameter)". Almost all hold
# objects of untyped C libraries (pytsk3, dfvfs, smbprotocol, py7zr internals). The list only shrinks:
# type a parameter properly and remove its line here.
ANY_PARAMETERS = {
    # Session 10: objects of untyped libraries (dfvfs path specs, resolver contexts, pyvslvm/pyvhdi handles)
    "scanner/sources/image_backing.py:backing_view(found)",
    "scanner/sources/image_backing.py:QcowView.__init__(read)",  # a bound method, set to None on close
    "scanner/sources/image_backing.py:backing_view(resolver_context)",
    "scanner/sources/image_layers.py:LayerFinder._linear_volume(lv)",
    "scanner/sources/image_layers.py:LayerFinder._linear_volume(pv)",
    "scanner/sources/image_layers.py:LayerFinder._lvm_kinds(stream)",
    "scanner/sources/image_layers.py:LayerFinder._lvm_metadata(stream)",
    "scanner/sources/image_layers.py:LayerFinder._lvm_read_here(vs)",
    "scanner/sources/image_layers.py:LayerFinder._lvm_refused(vs)",
    "scanner/sources/image_layers.py:LayerFinder._physical_volumes_beside(stream)",
    "scanner/sources/image_parents.py:dfvfs_parents_beside.vhdi_parent(file_system)",
    "scanner/sources/image_parents.py:dfvfs_parents_beside.vhdi_parent(path_spec)",
    "scanner/sources/image_parents.py:dfvfs_parents_beside.vhdi_parent(self)",
    "scanner/sources/image_parents.py:dfvfs_parents_beside.vhdi_parent(vhdi_file)",
    "scanner/sources/image_pathspec.py:register_reader.ReaderFile.__init__(path_spec)",
    "scanner/sources/image_pathspec.py:register_reader.ReaderFile.__init__(resolver_context)",
    "scanner/sources/image_pathspec.py:register_reader.ReaderPathSpec.__init__(kwargs)",
    "scanner/sources/image_pathspec.py:register_reader.ReaderResolverHelper.NewFileObject(path_spec)",
    "scanner/sources/image_pathspec.py:register_reader.ReaderResolverHelper.NewFileObject(resolver_context)",
    "reports/html.py:render(extra)",
    "scanner/diff.py:_entry(extra)",
    "scanner/diff.py:compute_diff.add(extra)",
    "scanner/inspectors/archive_formats.py:open_7z.member(f)",
    "scanner/inspectors/archive_formats.py:_extract_7z_batch(z)",
    "scanner/inspectors/archive_formats.py:_extract_7z_batch(factory_cls)",
    "scanner/inspectors/archive_formats.py:_cpio_reader.CpioMembers._ReadFileEntries(file_object)",
    "scanner/output.py:write_json(obj)",
    "scanner/examine.py:_fstat(stream)",
    "scanner/sources/__init__.py:open_source(options)",
    "scanner/sources/image.py:ImageSource.__init__(_options)",
    "scanner/sources/image.py:ImageSource._open_media(storage)",
    "scanner/sources/image_dfvfs.py:_iso(value)",
    "scanner/sources/image_dfvfs.py:_DfvfsStream.__init__(fobj)",
    "scanner/sources/image_dfvfs.py:_DfvfsStream.readinto(buf)",
    "scanner/sources/image_dfvfs.py:DfvfsEntry.__init__(entry)",
    "scanner/sources/image_dfvfs.py:_identity(entry)",
    "scanner/sources/image_count.py:ntfs_records_in_use(fs)",  # pytsk3.FS_Info: no type information
    "scanner/sources/image_count.py:files_in(fs)",  # pytsk3.FS_Info or a dfvfs FileSystem
    "scanner/sources/image_fs.py:fs_label(fs)",
    "scanner/sources/image_fs.py:file_stat(meta)",
    "scanner/sources/image_fs.py:TskStream.__init__(tsk_file)",
    "scanner/sources/image_fs.py:TskStream.readinto(buf)",
    "scanner/sources/image_fs.py:ImageEntry.__init__(tsk_file)",
    "scanner/sources/image_fs.py:ImageEntry.__init__(meta)",
    "scanner/sources/image_fs.py:_lost_reason(meta)",
    "scanner/sources/image_fs.py:_orphan_meta(fs)",
    "scanner/sources/image_fs.py:_ntfs_entry_reused(meta)",  # pytsk3 TSK_FS_META / TSK_FS_NAME: no type information
    "scanner/sources/image_fs.py:_ntfs_entry_reused(name_info)",
    "scanner/sources/image_parents.py:_existing(file_system)",  # dfvfs FileSystem / PathSpec: no type information
    "scanner/sources/image_parents.py:_existing(path_spec)",
    "scanner/sources/image_parents.py:dfvfs_parents_beside.qcow_parent(file_system)",  # dfvfs' own signature
    "scanner/sources/image_parents.py:dfvfs_parents_beside.qcow_parent(path_spec)",
    "scanner/sources/image_parents.py:dfvfs_parents_beside.qcow_parent(qcow_file)",  # pyqcow.file
    "scanner/sources/image_parents.py:dfvfs_parents_beside.qcow_parent(self)",  # dfvfs QCOWFile
    "scanner/sources/image_parents.py:dfvfs_parents_beside.vmdk_with_parent(path_spec)",
    "scanner/sources/image_parents.py:dfvfs_parents_beside.vmdk_with_parent(self)",  # dfvfs VMDKFile
    "scanner/sources/image_parents.py:_ewf_glob_or_itself.segments(file_system)",  # dfvfs' EWFGlobPathSpec signature
    "scanner/sources/image_parents.py:_ewf_glob_or_itself.segments(path_spec)",
    "scanner/sources/image_fs.py:_orphan_meta(f)",
    "scanner/sources/image_fs.py:_ntfs_metafile(meta)",
    "scanner/sources/image_fs.py:_named_streams(tsk_file)",
    "scanner/sources/image_fs.py:_open_meta(fs)",
    "scanner/sources/image_fs.py:_dir_key(f)",
    "scanner/sources/image_fs.py:_cannot_enter(meta)",
    "scanner/sources/image_fs.py:_file_entries(f)",
    "scanner/sources/image_fs.py:_file_entries(meta)",
    "scanner/sources/image_layers.py:LayerFinder.find(spec)",
    "scanner/sources/image_layers.py:LayerFinder.find_inside(spec)",  # a dfvfs path spec, as find(spec)
    "scanner/sources/image_layers.py:LayerFinder._explore(spec)",
    "scanner/sources/image_layers.py:LayerFinder._unreadable_stream(spec)",
    "scanner/sources/image_layers.py:LayerFinder._volume_system(vs)",
    "scanner/sources/image_layers.py:LayerFinder._volume_system(parent)",
    "scanner/sources/image_layers.py:LayerFinder._volume_offsets(vs)",
    "scanner/sources/image_layers.py:LayerFinder._shadow_copies(vs)",
    "scanner/sources/image_layers.py:LayerFinder._shadow_copies(volume)",
    "scanner/sources/image_layers.py:LayerFinder._apfs(vs)",
    "scanner/sources/image_layers.py:LayerFinder._logical_volumes_one_by_one(vs)",  # a dfvfs LVM path spec
    "scanner/sources/image_layers.py:LayerFinder._unlock_apfs(sub)",  # a dfvfs APFS container file entry
    "scanner/sources/image_layers.py:LayerFinder._encrypted(spec)",
    "scanner/sources/image_layers.py:LayerFinder._file_system(spec)",
    "scanner/sources/image_layers.py:LayerFinder._fail(spec)",
    "scanner/sources/image_media.py:DfvfsImage.__init__(file_object)",
    "scanner/sources/image_noatime.py:dfvfs_without_atime.NoAtimeOSResolverHelper.NewFileObject(resolver_context)",
    "scanner/sources/image_noatime.py:dfvfs_without_atime.NoAtimeOSResolverHelper.NewFileObject(path_spec)",
    "scanner/sources/image_noatime.py:_through_file_objects.opened(self)",
    "scanner/sources/image_noatime.py:_through_file_objects.opened(path_spec)",
    "scanner/sources/smb.py:SmbSource.__init__(_ignored)",
    "scanner/state.py:ScanState._set_meta(values)",
}


def test_mypy_passes(tmp_path: Path) -> None:
    """``mypy`` with pyproject's [tool.mypy] (files, untyped libraries listed one by one); cache in tmp."""
    done = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy-cache")],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout, done.stdout


def _functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """Every function with its qualified name (Class.method, outer.inner)."""
    for n in ast.iter_child_nodes(tree):
        if isinstance(n, ast.ClassDef):
            yield from _functions(n, f"{prefix}{n.name}.")
        elif isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef):
            yield f"{prefix}{n.name}", n
            yield from _functions(n, f"{prefix}{n.name}.")
        else:
            yield from _functions(n, prefix)


def any_parameters(source: str, path: str) -> set[str]:
    """Parameters annotated ``Any`` or ``Any | None`` in one module, as "path:function(parameter)"."""
    found = set()
    for name, fn in _functions(ast.parse(source)):
        a = fn.args
        for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs, *filter(None, [a.vararg, a.kwarg])]:
            if arg.annotation is not None and ast.unparse(arg.annotation).replace(" ", "") in (
                    "Any", "Any|None", "None|Any", "typing.Any", "Optional[Any]"):
                found.add(f"{path}:{name}({arg.arg})")
    return found


def test_no_new_any_parameter() -> None:
    found: set[str] = set()
    for py in sorted([*(ROOT / "scanner").rglob("*.py"), *(ROOT / "reports").rglob("*.py")]):
        found |= any_parameters(py.read_text(encoding="utf-8"), py.relative_to(ROOT).as_posix())
    assert not found - ANY_PARAMETERS, "new parameters typed Any: give them a real type (move the type down a floor)"
    assert not ANY_PARAMETERS - found, "typed now or gone: remove these from ANY_PARAMETERS"


def test_the_any_check_sees_methods_and_optional_any() -> None:
    src = "class C:\n    def f(self, a: Any, b: int, *c: Any | None) -> None:\n        def g(d: Any) -> None: ...\n"
    assert any_parameters(src, "m.py") == {"m.py:C.f(a)", "m.py:C.f(c)", "m.py:C.f.g(d)"}
