"""The most common Danish first names and surnames, for the comment scrubber (:mod:`etl.scrub`).

Typed in by hand after the two name statistics of Danmarks Statistik: "Navne i hele
befolkningen" (population on 1 January; yearly top-20 lists of women's first names, men's first
names and surnames) and "Navne til nyfødte" (yearly top-50 lists of names given to newborns),
widened with the common names around those lists (the "-sen" names and the most common other
surnames: Møller, Lund, Holm, Schmidt, Østergaard, ...). The tables themselves could not be
opened while this list was typed, so it was not checked name by name against a release: compare
it with the newest top lists when updating. A few hundred names are enough: the scrubber tags a listed first name only in name position (followed by a
surname, or after "tak til", "hilsen", "spurgte"), and a library adds its own staff names in the
setting ``comment_names``. Spelling variants with aa/ae/oe are added by the scrubber itself.
"""

from __future__ import annotations

FIRST_NAMES_WOMEN = """
Anne Kirsten Mette Hanne Anna Helle Susanne Lene Maria Marianne Inge Karen Lone Bente Camilla
Pia Charlotte Louise Jette Tina Gitte Ida Birgit Julie Emma Hanna Hannah Kristina Christina Signe
Berit Birthe Birte Lis Lise Dorte Dorthe Eva Ellen Else Ulla Grethe Grete Tove Ruth Kirsten Malene
Trine Rikke Katrine Kathrine Karina Heidi Annette Jytte Vibeke Lisbeth Merete Sofie Sophie Laura
Line Cecilie Caroline Mathilde Freja Clara Klara Alma Ella Agnes Olivia Josefine Emilie Amalie
Nanna Sara Sarah Maja Isabella Astrid Frida Karla Lærke Nina Stine Sanne Tanja Dorthe Conni
Connie Lotte Britt Bodil Kamma Solvej Solveig Annie Jane Janne Lena Lisa Lone Majbritt Maiken
Mia Mie Pernille Rebecca Rebekka Sabrina Sandra Silje Simone Tine Trine Ulrikke Vivi Yvonne
Winnie Marie Margrethe Elisabeth Henriette Jeanette Jannie Jonna Kira Liv Molly Nora Thea
""".split()

FIRST_NAMES_MEN = """
Peter Jens Lars Michael Henrik Thomas Søren Jan Niels Christian Martin Anders Morten Jesper
Mads Hans Per Rasmus Jørgen Ole Kim Erik Poul Klaus Claus Frederik Mikkel Kasper Jakob Jacob
Brian Torben Steen Sten Bo Allan Carsten Kenneth Kristian Johannes Karl Carl William Oliver
Noah Lucas Emil Victor Viktor Magnus Oscar Oskar Alfred Aksel Axel Valdemar August Malthe
Tobias Mathias Matthias Jonas Simon Daniel David Sebastian Nikolaj Nicolai Andreas Alexander
Philip Phillip Benjamin Bent Finn Flemming Frank Gert Gunnar Helge Jonas Jimmy Johnny John
Kurt Leif Mogens Palle Preben René Rene Stig Svend Sven Tommy Troels Ulrik Uffe Villads Vagn
Arne Bjarne Erling Georg Gustav Harald Ib Jakob Knud Kaj Aage Åge Anton Elias Felix Hugo
Laurits Lauritz Liam Storm Theo Johan Jonathan Mark Marcus Markus Max Nicklas Niklas Rune
Steffen Thorbjørn Tue Ebbe Esben Asger Bjørn Dennis Dan Ejner Holger Ove Vilhelm Thor Jeppe
""".split()

SURNAMES = """
Nielsen Jensen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen
Petersen Madsen Kristensen Olsen Thomsen Christiansen Poulsen Johansen Møller Mortensen
Knudsen Jakobsen Jacobsen Mikkelsen Olesen Frederiksen Laursen Henriksen Lund Schmidt Holm
Eriksen Kristiansen Nissen Østergaard Jepsen Lauridsen Dam Clausen Simonsen Svendsen Andreasen
Iversen Jeppesen Mogensen Vestergaard Jessen Nørgaard Hermansen Søndergaard Kjær Thygesen
Karlsen Carlsen Bertelsen Mathiasen Dahl Berg Bach Bech Bak Buch Ravn Skov Lind Holst Winther
Friis Hedegaard Kristoffersen Christoffersen Kjeldsen Krogh Nygaard Toft Juhl Villadsen
Gregersen Bruun Bonde Damgaard Eskildsen Gade Hald Hauge Hvid Koch Kofoed Lassen Lorentzen
Markussen Mathiesen Munk Mølgaard Nordahl Overgaard Paulsen Riis Rohde Schou Steffensen
Storm Thorsen Vinther Wind Abildgaard Aagaard Hougaard Lykke Mølholm Graversen Stokholm
Brandt Beck Frost Kirkegaard Westergaard Bundgaard Kjærgaard Korsgaard Lindberg Gram Petersen
""".split()
