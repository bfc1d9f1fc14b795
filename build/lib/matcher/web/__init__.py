"""The web pages (Simplified Chinese): 政策库, 政策计算器, 企业专属主页 and the staff 工作台.

Routes are thin; reading forms, checking who is signed in and shaping results for templates
each live in a module of their own. Pages share the API's database session and catalog.
"""
