"""Specialists: learned, parametrised rule families for ARC. Each learns its parameters from the train pairs,
verifies on every train pair and returns Candidates with test predictions.

`SPECIALISTS` lists them as callables `(task, deadline) -> list[Candidate]`, deadline a time.monotonic() value.
"""

from __future__ import annotations

from collections.abc import Callable

from synthloop.arc.dsl.specialists.align import align_objects
from synthloop.arc.dsl.specialists.analogy import complete_by_analogy
from synthloop.arc.dsl.specialists.anchorfit import anchor_fit
from synthloop.arc.dsl.specialists.anchorwindow import anchor_windows
from synthloop.arc.dsl.specialists.attract import attract_to_walls
from synthloop.arc.dsl.specialists.bandframes import band_frames_spec
from synthloop.arc.dsl.specialists.bandlines import band_hole_lines
from synthloop.arc.dsl.specialists.barbeam import bar_beam
from synthloop.arc.dsl.specialists.barhalves import bar_halves
from synthloop.arc.dsl.specialists.bboxfill import fill_bboxes
from synthloop.arc.dsl.specialists.blockshape import shrink_block_shape
from synthloop.arc.dsl.specialists.bounce import bouncing_rays
from synthloop.arc.dsl.specialists.bracketmirror import bracket_mirror
from synthloop.arc.dsl.specialists.bridge import bridges
from synthloop.arc.dsl.specialists.canvas import draw_on_canvas
from synthloop.arc.dsl.specialists.cellbetween import cell_between
from synthloop.arc.dsl.specialists.cellposition import cell_positions
from synthloop.arc.dsl.specialists.cells import cell_rules
from synthloop.arc.dsl.specialists.cellular import local_rules, prepared_local_rules, rule_list
from synthloop.arc.dsl.specialists.centrelines import lines_through_centres
from synthloop.arc.dsl.specialists.centrestack import centred_stack
from synthloop.arc.dsl.specialists.clearlines import paint_clear_lines
from synthloop.arc.dsl.specialists.colourbars import colour_bars
from synthloop.arc.dsl.specialists.colourlist import colour_list
from synthloop.arc.dsl.specialists.contact import contact_recolour
from synthloop.arc.dsl.specialists.cornerfold import corner_fold
from synthloop.arc.dsl.specialists.cornerhalos import corner_halos
from synthloop.arc.dsl.specialists.cornerpieces import corner_pieces
from synthloop.arc.dsl.specialists.cornerrays import corner_rays
from synthloop.arc.dsl.specialists.cornerthrow import corner_throw
from synthloop.arc.dsl.specialists.countboard import count_board_tiles
from synthloop.arc.dsl.specialists.countdiag import count_on_diagonal
from synthloop.arc.dsl.specialists.counting import classify_grid, classify_to_grid, counting, fill_like_input
from synthloop.arc.dsl.specialists.countshift import count_shift_lines
from synthloop.arc.dsl.specialists.crop import crop_content, crop_selected
from synthloop.arc.dsl.specialists.cropbox import crop_box
from synthloop.arc.dsl.specialists.cropcount import crop_by_colour_count
from synthloop.arc.dsl.specialists.cropmarked import crop_marked_object
from synthloop.arc.dsl.specialists.crosshairs import crosshairs_spec
from synthloop.arc.dsl.specialists.crosspairs import cross_pairs_spec
from synthloop.arc.dsl.specialists.cupbeam import cup_light
from synthloop.arc.dsl.specialists.cupfill import cup_fill
from synthloop.arc.dsl.specialists.cuplevel import cup_level_count
from synthloop.arc.dsl.specialists.cyclicshear import shear_cyclically
from synthloop.arc.dsl.specialists.dashes import mend_dashed_lines
from synthloop.arc.dsl.specialists.denoise import majority_fill
from synthloop.arc.dsl.specialists.densecrop import dense_crop
from synthloop.arc.dsl.specialists.detour import detour_rays
from synthloop.arc.dsl.specialists.dihedraldots import dihedral_dots
from synthloop.arc.dsl.specialists.dockline import dock_line
from synthloop.arc.dsl.specialists.dropstripes import drop_stripes_spec
from synthloop.arc.dsl.specialists.edgemark import edge_marks
from synthloop.arc.dsl.specialists.edgepad import edge_pad
from synthloop.arc.dsl.specialists.elbow import elbow_path
from synthloop.arc.dsl.specialists.emptyboxes import empty_boxes
from synthloop.arc.dsl.specialists.emptyroads import empty_roads
from synthloop.arc.dsl.specialists.extrude import marker_extrude
from synthloop.arc.dsl.specialists.fragmentfill import fragment_fill
from synthloop.arc.dsl.specialists.framecopy import frame_copy
from synthloop.arc.dsl.specialists.framefit import frame_fit
from synthloop.arc.dsl.specialists.framematch import frame_matches
from synthloop.arc.dsl.specialists.growbox import grow_boxes
from synthloop.arc.dsl.specialists.halorays import halo_rays
from synthloop.arc.dsl.specialists.halveskron import halves_kron
from synthloop.arc.dsl.specialists.headercycle import header_cycle
from synthloop.arc.dsl.specialists.hintrepeat import hint_repeat
from synthloop.arc.dsl.specialists.holefill import hole_windows
from synthloop.arc.dsl.specialists.holeplug import hole_plugs
from synthloop.arc.dsl.specialists.inlay import inlay_pieces
from synthloop.arc.dsl.specialists.jigsaw import jigsaw
from synthloop.arc.dsl.specialists.keeprect import keep_solid_rectangle
from synthloop.arc.dsl.specialists.keyline import recolour_by_line_key
from synthloop.arc.dsl.specialists.keyquadrants import key_quadrants
from synthloop.arc.dsl.specialists.keyseq import keyed_sequence
from synthloop.arc.dsl.specialists.keytemplate import keyed_template
from synthloop.arc.dsl.specialists.ladder import ladder_lines
from synthloop.arc.dsl.specialists.latticecells import lattice_cell_colours
from synthloop.arc.dsl.specialists.layers import (
    arrangement,
    cell_summary,
    count_scale,
    layered,
    select_cell,
    symmetrize,
)
from synthloop.arc.dsl.specialists.leak import leaking_boxes
from synthloop.arc.dsl.specialists.leanmirror import lean_mirror_spec
from synthloop.arc.dsl.specialists.linelist import line_colour_square
from synthloop.arc.dsl.specialists.linerays import line_rays
from synthloop.arc.dsl.specialists.linetopology import topology_recolour
from synthloop.arc.dsl.specialists.markerbox import marker_box
from synthloop.arc.dsl.specialists.markerdock import marker_docking
from synthloop.arc.dsl.specialists.markerflip import marker_flip
from synthloop.arc.dsl.specialists.markerstamp import marker_stamps
from synthloop.arc.dsl.specialists.markertrail import marker_trails
from synthloop.arc.dsl.specialists.matchkey import match_key_shapes
from synthloop.arc.dsl.specialists.meetbrackets import meet_brackets
from synthloop.arc.dsl.specialists.meetlines import meet_lines_spec
from synthloop.arc.dsl.specialists.midstamp import midpoint_stamp
from synthloop.arc.dsl.specialists.motion import draw_rays, gravity, move_to_contact
from synthloop.arc.dsl.specialists.nestedrings import nested_rings
from synthloop.arc.dsl.specialists.noisecount import area_with_most_specks
from synthloop.arc.dsl.specialists.notchfit import notch_fit
from synthloop.arc.dsl.specialists.notchlines import notch_lines
from synthloop.arc.dsl.specialists.objrecolour import object_halo, object_recolour, recolour_by_key
from synthloop.arc.dsl.specialists.objsymmetry import complete_symmetry
from synthloop.arc.dsl.specialists.panelcode import panel_code
from synthloop.arc.dsl.specialists.panelkey import panel_key
from synthloop.arc.dsl.specialists.panelsummary import panel_summary
from synthloop.arc.dsl.specialists.paneltransforms import panel_transforms
from synthloop.arc.dsl.specialists.parityflood import parity_flood_fill
from synthloop.arc.dsl.specialists.partialcopies import complete_partial_copies
from synthloop.arc.dsl.specialists.paste import paste_template
from synthloop.arc.dsl.specialists.periodic import periodic_extend
from synthloop.arc.dsl.specialists.pieceslots import piece_slots
from synthloop.arc.dsl.specialists.pivot import mirror_about_pivot
from synthloop.arc.dsl.specialists.pointers import pointer_rays
from synthloop.arc.dsl.specialists.pull import pull_to_anchor
from synthloop.arc.dsl.specialists.pushline import pushed_lines
from synthloop.arc.dsl.specialists.rays import colour_lines, rays_to_target, step_toward
from synthloop.arc.dsl.specialists.reflecttile import reflect_tile
from synthloop.arc.dsl.specialists.regionfill import region_recolour
from synthloop.arc.dsl.specialists.regions import fill_touching
from synthloop.arc.dsl.specialists.ringassembly import ring_assembly_spec
from synthloop.arc.dsl.specialists.rings import recolour_rings
from synthloop.arc.dsl.specialists.ripplesquares import ripple_squares_spec
from synthloop.arc.dsl.specialists.roles import role_recolour
from synthloop.arc.dsl.specialists.roomfill import room_fill
from synthloop.arc.dsl.specialists.route import routed_path
from synthloop.arc.dsl.specialists.rowkey import row_colour_by_marker
from synthloop.arc.dsl.specialists.rowstack import stack_rows
from synthloop.arc.dsl.specialists.runextend import repeat_runs_along_lines
from synthloop.arc.dsl.specialists.scaledmatch import scaled_match
from synthloop.arc.dsl.specialists.scaledtemplate import scaled_templates
from synthloop.arc.dsl.specialists.seedmirror import seed_mirrors
from synthloop.arc.dsl.specialists.seedrepeat import seed_repeat
from synthloop.arc.dsl.specialists.seedrings import ringed_seeds
from synthloop.arc.dsl.specialists.selfshift import shift_objects_by_size
from synthloop.arc.dsl.specialists.shadow import shadow_rain
from synthloop.arc.dsl.specialists.shapeswap import swap_shapes
from synthloop.arc.dsl.specialists.shiftcanvas import shift_canvas
from synthloop.arc.dsl.specialists.sidetint import side_tint
from synthloop.arc.dsl.specialists.sortbars import sort_bars
from synthloop.arc.dsl.specialists.speckjump import specks_to_block
from synthloop.arc.dsl.specialists.spiral import spiral
from synthloop.arc.dsl.specialists.stampkey import stamp_key
from synthloop.arc.dsl.specialists.stamps import object_stamps
from synthloop.arc.dsl.specialists.steppedrays import stepped_edge_rays
from synthloop.arc.dsl.specialists.stripes import stripes
from synthloop.arc.dsl.specialists.symaxis import complete_symmetry_axis
from synthloop.arc.dsl.specialists.symmetry import extend_pattern, fill_regular
from synthloop.arc.dsl.specialists.templatefill import template_fill
from synthloop.arc.dsl.specialists.templatestamp import template_stamp
from synthloop.arc.dsl.specialists.tether import tether_retract
from synthloop.arc.dsl.specialists.tilefill import continue_under_filler
from synthloop.arc.dsl.specialists.tiling import piece_tiling
from synthloop.arc.dsl.specialists.trackslide import track_slide
from synthloop.arc.dsl.specialists.twinbars import twin_bars_spec
from synthloop.arc.dsl.specialists.wallimpact import wall_impact_rays
from synthloop.arc.dsl.specialists.wallpaper import shared_wallpaper
from synthloop.arc.dsl.specialists.zonerays import zone_rays_rule
from synthloop.arc.dsl.specialists.zoomrays import zoom_rays_spec
from synthloop.arc.grid import ArcTask, Candidate

Specialist = Callable[[ArcTask, float], list[Candidate]]

SPECIALISTS: list[Specialist] = [  # cheap, precise families first; the broad local rules last
    crop_content,
    arrangement,
    layered,
    select_cell,
    cell_summary,
    cell_rules,
    panel_key,
    fill_regular,
    symmetrize,
    complete_symmetry,
    complete_symmetry_axis,
    recolour_rings,
    panel_transforms,
    repeat_runs_along_lines,
    extend_pattern,
    periodic_extend,
    seed_repeat,
    shared_wallpaper,
    continue_under_filler,
    reflect_tile,
    keyed_sequence,
    complete_by_analogy,
    mirror_about_pivot,
    count_scale,
    crop_selected,
    crop_by_colour_count,
    crop_box,
    crop_marked_object,
    colour_list,
    panel_summary,
    key_quadrants,
    frame_fit,
    shrink_block_shape,
    keep_solid_rectangle,
    count_on_diagonal,
    halves_kron,
    counting,
    classify_grid,
    area_with_most_specks,
    classify_to_grid,
    fill_like_input,
    gravity,
    sort_bars,
    move_to_contact,
    attract_to_walls,
    pull_to_anchor,
    grow_boxes,
    marker_box,
    bracket_mirror,
    align_objects,
    shift_objects_by_size,
    draw_rays,
    corner_rays,
    draw_on_canvas,
    pointer_rays,
    rays_to_target,
    shadow_rain,
    colour_lines,
    elbow_path,
    paint_clear_lines,
    mend_dashed_lines,
    lines_through_centres,
    bouncing_rays,
    detour_rays,
    stripes,
    bridges,
    leaking_boxes,
    step_toward,
    parity_flood_fill,
    keyed_template,
    corner_fold,
    stack_rows,
    midpoint_stamp,
    topology_recolour,
    shear_cyclically,
    specks_to_block,
    count_shift_lines,
    stepped_edge_rays,
    ladder_lines,
    centred_stack,
    bar_beam,
    scaled_match,
    ringed_seeds,
    corner_throw,
    marker_stamps,
    edge_marks,
    majority_fill,
    role_recolour,
    object_recolour,
    recolour_by_key,
    recolour_by_line_key,
    match_key_shapes,
    object_halo,
    fill_bboxes,
    object_stamps,
    paste_template,
    scaled_templates,
    stamp_key,
    fill_touching,
    contact_recolour,
    region_recolour,
    template_fill,
    swap_shapes,
    empty_boxes,
    jigsaw,
    anchor_windows,
    edge_pad,
    shift_canvas,
    line_colour_square,
    panel_code,
    count_board_tiles,
    row_colour_by_marker,
    band_hole_lines,
    cell_positions,
    corner_pieces,
    hole_windows,
    bar_halves,
    header_cycle,
    colour_bars,
    frame_copy,
    hole_plugs,
    marker_flip,
    anchor_fit,
    cup_fill,
    marker_extrude,
    hint_repeat,
    meet_lines_spec,
    spiral,
    track_slide,
    room_fill,
    zone_rays_rule,
    cell_between,
    seed_mirrors,
    marker_trails,
    template_stamp,
    line_rays,
    dense_crop,
    tether_retract,
    dock_line,
    lattice_cell_colours,
    piece_tiling,
    notch_fit,
    frame_matches,
    fragment_fill,
    routed_path,
    cup_light,
    halo_rays,
    marker_docking,
    nested_rings,
    complete_partial_copies,
    pushed_lines,
    wall_impact_rays,
    band_frames_spec,
    crosshairs_spec,
    cross_pairs_spec,
    drop_stripes_spec,
    lean_mirror_spec,
    ring_assembly_spec,
    ripple_squares_spec,
    twin_bars_spec,
    zoom_rays_spec,
    corner_halos,
    cup_level_count,
    dihedral_dots,
    empty_roads,
    inlay_pieces,
    meet_brackets,
    notch_lines,
    piece_slots,
    side_tint,
    rule_list,
    local_rules,
    prepared_local_rules,
]

__all__ = ["SPECIALISTS", "Specialist"]
