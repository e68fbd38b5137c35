"""Reading, validating and loading the service catalog and the guide content.

The pipeline has three stages so that nothing is written from a bad file:
``reader`` parses and validates every file and collects all problems;
``state`` turns the validated records into the desired state of each page
(pure, no database); ``loader`` applies that state in one transaction.
"""
