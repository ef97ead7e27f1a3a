"""Report templates compiled by tools/templates.py (see there): template name -> (SHA-256 of its source,
module). Used by reports.html only while KEY is the running environment's settings key."""

KEY = 'jinja2-3.1.6-cpython-311-26fabcc6f7290731'
TEMPLATES = {
    'remediation.html.j2': ('2c3270b2fd560e1c1cc69ce444028a7821512de27ea6960b114503189d137738', 't_remediation_html'),
    'report.html.j2': ('4dc4c30b12c3210c0edd897981ff458a15f4fa6e6f5eceed43fceee18ece48d1', 't_report_html'),
    'sections/banners.html.j2': ('f47142de96dec54d8210631d8ddc70b13150d670311a9777506a92b723360d6d', 't_sections_banners_html'),
    'sections/breach.html.j2': ('e3a402c930df77f51425d3c9cbbfb936dbdbe11e41c2daec9b7e255a308e8ec3', 't_sections_breach_html'),
    'sections/copies.html.j2': ('0216b71e92bdd5242d546ca70799b56f8a5a2aaafbaf3cb497edd1f548d70da8', 't_sections_copies_html'),
    'sections/custody.html.j2': ('0b91189aa1f72e473919f53f084f36ffa3ee34fcf4c8b3bc18afa9c714a61db7', 't_sections_custody_html'),
    'sections/leads.html.j2': ('956be65d6caecae768ac535a838f33f36b7c286e407ed156b07e45417184a6eb', 't_sections_leads_html'),
    'sections/macros.html.j2': ('2677832ddeebd6f6afcc89fc798fbff9c53b2d20e71bb5c08bcc52343dcdaed5', 't_sections_macros_html'),
    'sections/merge.html.j2': ('68ad58a4b2c170aec86bea7143b4752e43192fe9e4b74ace8ea489b41137c5d4', 't_sections_merge_html'),
    'sections/method.html.j2': ('e12e4c6cdbc0a9c06841eece5648135910fbdb76891e8d872ec88bfc58e5e91c', 't_sections_method_html'),
    'sections/named.html.j2': ('0cb340f8d37b16ca269ca6db40587ace99962efbb46e817c7efbbd62986d5b62', 't_sections_named_html'),
    'sections/overlap.html.j2': ('e06ae77adc7a56e335cc54a243f93e44ad956b245ca5fed7b84f9755e7a47479', 't_sections_overlap_html'),
    'sections/password.html.j2': ('fd1d7b01ec845d18ed287b5f75d74313ae9cea6a395c9122ba3053947b2075cd', 't_sections_password_html'),
    'sections/persons.html.j2': ('8d5dbbf612788b162bb97479c03506f392f332876afe7e20007440bb7b7c2939', 't_sections_persons_html'),
    'sections/pii.html.j2': ('f9e9a758803f73d41c262b9833135f1db81a5f20fb5e1dc8a54feaf55e7af369', 't_sections_pii_html'),
    'sections/scope.html.j2': ('fe41838f3c76ac2b9997a106c92467dfdf06963b91baa7ea24009c21d7c54209', 't_sections_scope_html'),
    'sections/skipped.html.j2': ('2b06fb596c40f98a0bd8b8e76654041c581e828440ec87d260f7265d03aed549', 't_sections_skipped_html'),
    'sections/summary.html.j2': ('dfab906dfac9cfe9bf53242a068b6c6ac89edec9bea0888b5ce5973cb186c971', 't_sections_summary_html'),
    'sections/traces.html.j2': ('c49b7755458004715e1c2fbe01e09002be03405c587c868eb4e2ffe9e2251e97', 't_sections_traces_html'),
    'style.css.j2': ('635422892ad85315193e11082895187bd22de697272ee37fb9bbea2823cb3e3b', 't_style_css'),
}
